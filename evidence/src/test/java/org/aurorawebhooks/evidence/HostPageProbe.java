package org.aurorawebhooks.evidence;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A visitor of one of the host app's paths, the whole run long: one visit at a time, a few a second, each kept
 * with when it started and ended, its status and whether the answer was the host's own (the expected status
 * and a marker of its content). Two are used: the sample's home page, which reads aurora-webhooks' tables
 * itself (through its own pool) and says so when it cannot, the kind of host page an outage of the library's
 * database could most easily break; and a path the host has no page for, whose answer is the container's own
 * 404, which touches no database: how long the filter itself holds a host request while the database is out.
 */
final class HostPageProbe implements AutoCloseable {
    /** The sample's home page: 200 with this. */
    static final String HOME_PAGE = "<h1>Your existing app</h1>";
    /** Jetty's own answer for a path the app has no servlet for. */
    static final String CONTAINER_404 = "<h2>HTTP ERROR 404 Not Found</h2>";
    private static final long PAUSE_MILLIS = 200;

    /**
     * One visit: {@link System#nanoTime()} at its start and end, the status (-1: no answer), whether it was the
     * host's own answer, and the answer when it was not.
     */
    record Visit(long startNanos, long endNanos, int status, boolean hostsOwn, String detail) {
        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI page;
    private final int status;
    private final String marker;
    private final List<Visit> visits = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts visiting {@code page}, whose own answer has {@code status} and contains {@code marker}. */
    HostPageProbe(URI page, int status, String marker) {
        this.page = page;
        this.status = status;
        this.marker = marker;
        this.thread = new Thread(this::visitUntilClosed, "host-page-probe");
        thread.setDaemon(true);
        thread.start();
    }

    String path() {
        return page.getPath();
    }

    private void visitUntilClosed() {
        HttpRequest request = HttpRequest.newBuilder(page).timeout(Duration.ofMinutes(2)).GET().build();
        while (running) {
            long start = System.nanoTime();
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                boolean own = r.statusCode() == status && r.body().contains(marker);
                visits.add(new Visit(start, System.nanoTime(), r.statusCode(), own, own ? null : r.body()));
            } catch (IOException e) {
                visits.add(new Visit(start, System.nanoTime(), -1, false, e.toString()));
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    List<Visit> visits() {
        synchronized (visits) {
            return List.copyOf(visits);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(130_000);
    }
}
