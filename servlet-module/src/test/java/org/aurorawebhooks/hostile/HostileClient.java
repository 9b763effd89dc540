package org.aurorawebhooks.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a {@link HostileRequest} to a loopback port: with the JDK's {@code java.net.http} client when it
 * will send the request as generated, otherwise as raw bytes over a socket (the JDK client refuses methods
 * and header names that are not tokens, header values with control characters, and targets that are not
 * URIs), and every request with a body (one request per connection there). The whole answer is read.
 */
final class HostileClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** What a server answered; header names in lower case. */
    record Answer(String transport, int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        @Override
        public String toString() {
            return status + " via " + transport + " " + headers + "\n    " + HostileRequest.shorten(
                    body.length() > 600 ? body.substring(0, 600) + "…" : body);
        }
    }

    Answer send(int port, HostileRequest request, String tryId) {
        HttpRequest jdk = jdkRequest(port, request, tryId);
        try {
            return jdk != null ? viaJdk(jdk) : raw(port, request, tryId);
        } catch (IOException e) {
            throw new UncheckedIOException("no answer (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The request for the JDK client, or null when it would refuse or alter it. */
    private static HttpRequest jdkRequest(int port, HostileRequest r, String tryId) {
        if (r.latin1() || !r.target().startsWith("/") || !printableAscii(r.target())) {
            return null; // the JDK client would re-encode or refuse it
        }
        if (r.body() != null) {
            // One request per connection when there is a body: a server may answer before reading all of it, and
            // what it left unread must not reach the next request on a pooled connection. (Once in a run of
            // 10,000 the JDK client read a status line made of such a body's bytes; not reproduced since.)
            return null;
        }
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + r.target()))
                    .timeout(TIMEOUT)
                    .method(r.method(), HttpRequest.BodyPublishers.noBody())
                    .header(HostileServers.TRY_HEADER, tryId);
            for (HostileRequest.Header h : r.headers()) {
                if (!printableAscii(h.value().replace(' ', '!'))) {
                    return null;
                }
                b.header(h.name(), h.value());
            }
            HttpRequest built = b.build();
            // The JDK client keeps the URI's raw form; one it had to re-encode is no longer the generated target.
            return (built.uri().getRawPath() + (built.uri().getRawQuery() == null ? "" : "?" + built.uri().getRawQuery()))
                    .equals(r.target()) ? built : null;
        } catch (IllegalArgumentException e) {
            return null; // a method, header or target it refuses: sent raw instead
        }
    }

    private static boolean printableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private Answer viaJdk(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        return new Answer("java.net.http", response.statusCode(), headers, new String(response.body(), StandardCharsets.UTF_8));
    }

    /** Writes the request as generated and reads until the server closes the connection. */
    private static Answer raw(int port, HostileRequest r, String tryId) throws IOException {
        Charset charset = r.latin1() ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8;
        byte[] body = r.body() == null ? null : r.body().getBytes(charset);
        StringBuilder head = new StringBuilder(r.method()).append(' ').append(r.target()).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n")
                .append(HostileServers.TRY_HEADER).append(": ").append(tryId).append("\r\n");
        for (HostileRequest.Header h : r.headers()) {
            head.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.toString().getBytes(charset));
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (SocketException e) {
                // The server may answer (400, 431) and close before reading all of an oversized request.
            }
            return read(new java.io.BufferedInputStream(socket.getInputStream()), "HEAD".equals(r.method()));
        }
    }

    /**
     * Reads one answer: the head, then exactly the body it announces (Content-Length, chunked, or up to the end
     * of the connection when it announces neither): not every answer to a malformed request closes the
     * connection.
     */
    private static Answer read(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        try {
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the connection ended before a complete answer: "
                            + HostileRequest.shorten(headBytes.toString(StandardCharsets.ISO_8859_1)));
                }
                headBytes.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        } catch (SocketException e) {
            if (headBytes.size() == 0) {
                throw e; // reset before any answer
            }
            throw new IOException("reset in the middle of an answer", e);
        }
        String all = headBytes.toString(StandardCharsets.ISO_8859_1);
        if (!all.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP/1.1 answer: " + HostileRequest.shorten(all));
        }
        String[] lines = all.substring(0, all.length() - 4).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        byte[] body;
        if (head || status == 204 || status == 304 || status < 200) {
            body = new byte[0];
        } else if (headers.getOrDefault("transfer-encoding", List.of()).contains("chunked")) {
            body = dechunk(in);
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length").get(0)));
        } else {
            body = readToEnd(in);
        }
        return new Answer("raw socket", status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketException e) {
            // a reset after the answer: what was read is the answer
        }
        return out.toByteArray();
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return out.toByteArray();
            }
            out.write(in.readNBytes(size));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b < 0) {
            throw new IOException("a chunked body ends without its last chunk");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
