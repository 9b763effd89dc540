package org.aurorawebhooks.evidence.servers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.0 request per connection, closed by the server after its answer. A pooling client keeps
 * connections open, and an open connection pins what the container last served on it (Jetty caches the
 * webapp's servlet channel on the connection): the leak checks after an undeploy must not be held up by the
 * test's own client.
 */
final class RawHttp {
    private static final int TIMEOUT_MILLIS = 60_000;

    private RawHttp() {
    }

    /** A status and a body. */
    record Answer(int status, String body) {
    }

    /** {@code GET path} on 127.0.0.1:port with the given header name/value pairs. */
    static Answer get(int port, String path, String... headers) throws IOException {
        StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.0\r\nHost: 127.0.0.1:")
                .append(port).append("\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/") || end < 0) {
                throw new IOException("not an HTTP answer to GET " + path + ": " + text);
            }
            String statusLine = text.substring(0, text.indexOf("\r\n"));
            return new Answer(Integer.parseInt(statusLine.split(" ")[1]), text.substring(end + 4));
        }
    }
}
