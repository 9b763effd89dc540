package org.aurorawebhooks.evidence;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Webhook senders that behave as Aurora does: each sends one delivery at a time and sends it again until it
 * is answered 200, whatever came back before (a 503, a timeout, a refused connection). Every answer is kept
 * with the moment it arrived, and every acknowledged delivery with the row id the 200 named, for the test to
 * hold against the database. Thread-safe.
 */
final class OutageClients implements AutoCloseable {
    /** How long a sender waits before sending a refused delivery again. */
    private static final long RETRY_PAUSE_MILLIS = 250;
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    /** One delivery: {@code GET {webhooks path}/{event}?{params}}, the parameters in this order. */
    record Delivery(String event, Map<String, String> params) {
        Delivery {
            params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        }

        /** The query string as sent (the values need no escaping: ids and plain words). */
        String query() {
            StringBuilder sb = new StringBuilder();
            params.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "&").append(k).append('=').append(v));
            return sb.toString();
        }
    }

    /**
     * One answer: when its request was sent and when the answer arrived ({@link System#nanoTime()}), its status
     * (-1 when no HTTP answer came), whether it carried {@code Retry-After}, and what it said when it was
     * neither a 200 nor a 503.
     */
    record Answer(long sentNanos, long atNanos, int status, boolean retryAfter, String detail) {
        double seconds() {
            return (atNanos - sentNanos) / 1e9;
        }
    }

    /** A delivery answered 200, with the id of the row the answer says it was stored as. */
    record Acknowledged(long id, Delivery delivery, long atNanos) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String webhooks;
    private final String headerName;
    private final String headerValue;
    private final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
    private final List<Acknowledged> acknowledged = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "aurora-like-sender");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;

    /** @param webhooks e.g. {@code http://127.0.0.1:8080/aurora/webhooks} */
    OutageClients(String webhooks, String headerName, String headerValue) {
        this.webhooks = webhooks;
        this.headerName = headerName;
        this.headerValue = headerValue;
    }

    /** Starts {@code senders} threads, each delivering what {@code next} gives it, one after the other, until stopped. */
    void start(int senders, Supplier<Delivery> next) {
        for (int i = 0; i < senders; i++) {
            threads.execute(() -> {
                while (running) {
                    deliver(next.get());
                }
            });
        }
    }

    /**
     * Sends the delivery until it is answered 200.
     *
     * @return the acknowledgement, or null when the senders were stopped first
     */
    Acknowledged deliver(Delivery delivery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(webhooks + "/" + delivery.event() + "?" + delivery.query()))
                .header(headerName, headerValue).timeout(Duration.ofSeconds(60)).GET().build();
        while (running) {
            long sent = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                long at = System.nanoTime();
                int status = response.statusCode();
                boolean retryAfter = response.headers().firstValue("Retry-After").isPresent();
                if (status == 200) {
                    Matcher id = ID.matcher(response.body());
                    if (id.find()) {
                        answers.add(new Answer(sent, at, status, retryAfter, null));
                        Acknowledged ack = new Acknowledged(Long.parseLong(id.group(1)), delivery, at);
                        acknowledged.add(ack);
                        return ack;
                    }
                    answers.add(new Answer(sent, at, status, retryAfter, "a 200 without a row id: " + response.body()));
                } else {
                    answers.add(new Answer(sent, at, status, retryAfter, status == 503 ? null
                            : "HTTP " + status + " for " + delivery.event() + "?" + delivery.query() + ": " + response.body()));
                }
            } catch (IOException e) {
                answers.add(new Answer(sent, System.nanoTime(), -1, false, "no answer: " + e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            pause();
        }
        return null;
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every answer so far, in the order they arrived. */
    List<Answer> answers() {
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    /** Every acknowledged delivery so far. */
    List<Acknowledged> acknowledged() {
        synchronized (acknowledged) {
            return List.copyOf(acknowledged);
        }
    }

    /** Stops the senders: a delivery not yet acknowledged is given up (Aurora would still be retrying it). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        threads.shutdown();
        if (!threads.awaitTermination(90, TimeUnit.SECONDS)) {
            threads.shutdownNow();
        }
    }
}
