package org.aurorawebhooks.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Not a test: an open-loop load at a fixed rate with a different {@code lead_id} per request, which
 * neither wrk (closed loop) nor hey (one URL) gives. {@code connections} keep-alive HTTP/1.1 connections,
 * each with its own thread; request k of the run is due at {@code start + k / rate} and connection
 * {@code k mod connections} sends it (at once if it is late), so arrivals are evenly spaced.
 *
 * <p>Usage: {@code RateLoad <host> <port> <path up to the id> <header> <value> <rate/s> <seconds> <connections>
 * <id prefix>}. Prints {@code RATE sent=N ok=N non2xx=N errors=N seconds=S achieved=R p50_us=.. p99_us=..}
 * (HTTP latency from the due time, so a stall counts for every request it delays).
 */
public final class RateLoad {
    private RateLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 9) {
            System.err.println("usage: RateLoad <host> <port> <path> <header> <value> <rate> <seconds> <connections> <prefix>");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String path = args[2];
        String header = args[3] + ": " + args[4];
        double rate = Double.parseDouble(args[5]);
        double seconds = Double.parseDouble(args[6]);
        int connections = Integer.parseInt(args[7]);
        String prefix = args[8];
        long total = (long) (rate * seconds);
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime() + 50_000_000L;
        AtomicLong ok = new AtomicLong();
        AtomicLong non2xx = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long[][] latencies = new long[connections][];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int conn = c;
            Thread t = new Thread(() -> {
                long[] mine = new long[(int) (total / connections + 2)];
                int n = 0;
                Socket socket = null;
                InputStream in = null;
                for (long k = conn; k < total; k += connections) {
                    long due = start + k * interval;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    try {
                        if (socket == null) {
                            socket = new Socket(host, port);
                            socket.setTcpNoDelay(true);
                            in = new BufferedInputStream(socket.getInputStream(), 8192);
                        }
                        String request = "GET " + path + prefix + "-" + k + " HTTP/1.1\r\nHost: " + host + "\r\n"
                                + header + "\r\n\r\n";
                        OutputStream out = socket.getOutputStream();
                        out.write(request.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        int status = readResponse(in);
                        mine[n++] = (System.nanoTime() - due) / 1_000;
                        (status == 200 ? ok : non2xx).incrementAndGet();
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        close(socket);
                        socket = null;
                    }
                }
                close(socket);
                latencies[conn] = Arrays.copyOf(mine, n);
            }, "rate-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double took = (System.nanoTime() - start) / 1e9;
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        long p50 = all.length == 0 ? -1 : all[(int) Math.ceil(all.length * 0.50) - 1];
        long p99 = all.length == 0 ? -1 : all[(int) Math.ceil(all.length * 0.99) - 1];
        System.out.printf("RATE sent=%d ok=%d non2xx=%d errors=%d seconds=%.2f achieved=%.1f p50_us=%d p99_us=%d%n",
                total, ok.get(), non2xx.get(), errors.get(), took, (ok.get() + non2xx.get()) / took, p50, p99);
    }

    /** Reads one response (status line, headers, a Content-Length or chunked body); returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        long length = -1;
        boolean chunked = false;
        String l;
        while (!(l = line(in)).isEmpty()) {
            String lower = l.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            long size;
            while ((size = Long.parseLong(line(in).trim(), 16)) > 0) {
                skip(in, size);
                line(in);
            }
            line(in);
        } else if (length > 0) {
            skip(in, length);
        }
        return status;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            if (b != '\r') {
                s.append((char) b);
            }
        }
        return s.toString();
    }

    private static void skip(InputStream in, long n) throws IOException {
        for (long left = n; left > 0; ) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("connection closed");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static void close(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
