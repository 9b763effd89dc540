package org.aurorawebhooks.evidence;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several concurrent clients sending deliveries the way Aurora does: each delivery is sent again, after a
 * short pause, until it is answered 200, whatever went wrong before (connection refused or reset while the
 * node is down, a 503 while the database is, a timeout). Every 200 is recorded with the row id its body names
 * and when the acknowledged attempt was sent and answered. An answer no retry can fix (400, 401, 404 …)
 * stops every client: it means the run itself is wrong. Thread-safe.
 */
final class RetryingClients {
    private static final Pattern ROW_ID = Pattern.compile("\"id\":(\\d+)");
    /** Far above any commit (the endpoint gives up after 10 s): a request that takes this long is lost. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /**
     * One acknowledged delivery.
     *
     * @param rowId the id the 200's body named
     * @param firstSent when its first attempt was sent
     * @param ackSent when the acknowledged attempt was sent
     * @param acked when the 200 arrived
     * @param attempts how many attempts it took
     * @param node the base URL of the node that acknowledged it
     */
    record Ack(long rowId, Instant firstSent, Instant ackSent, Instant acked, int attempts, String node) {
    }

    private final List<Delivery> deliveries;
    private final IntFunction<String> baseUrl;
    private final String headerName;
    private final String headerValue;
    private final int threads;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final ConcurrentLinkedQueue<Delivery> todo = new ConcurrentLinkedQueue<>();
    private final Map<Integer, Ack> acks = new ConcurrentHashMap<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong unreachable = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicReference<String> fatal = new AtomicReference<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile IntConsumer onAck = n -> { };

    /**
     * @param baseUrl for a delivery's seq, the node to send it to ({@code http://127.0.0.1:PORT})
     * @param headerName the webhook credential's header
     * @param headerValue its value (a secret: never in a message)
     */
    RetryingClients(List<Delivery> deliveries, IntFunction<String> baseUrl, String headerName, String headerValue,
                    int threads) {
        this.deliveries = List.copyOf(deliveries);
        this.baseUrl = baseUrl;
        this.headerName = headerName;
        this.headerValue = headerValue;
        this.threads = threads;
    }

    /**
     * Runs {@code action} on the client thread that got an acknowledgement, the instant after, with the number of
     * deliveries acknowledged so far (each number once).
     */
    void onAck(IntConsumer action) {
        this.onAck = action;
    }

    /** Starts the clients; they stop once every delivery is acknowledged, or on a fatal answer. */
    void start() {
        todo.addAll(deliveries);
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::work, "evidence-client-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    private void work() {
        Delivery d;
        while (fatal.get() == null && (d = todo.poll()) != null) {
            send(d);
        }
    }

    private void send(Delivery d) {
        String base = baseUrl.apply(d.seq());
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + d.pathAndQuery()))
                .header(headerName, headerValue).timeout(REQUEST_TIMEOUT).GET().build();
        Instant first = null;
        for (int attempt = 1; fatal.get() == null; attempt++) {
            Instant sent = Instant.now();
            if (first == null) {
                first = sent;
            }
            attempts.incrementAndGet();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                Instant answered = Instant.now();
                if (response.statusCode() == 200) {
                    Matcher m = ROW_ID.matcher(response.body());
                    if (!m.find() || !response.body().contains("\"event\":\"" + d.event() + "\"")) {
                        fatal.compareAndSet(null, "delivery " + d.seq() + " answered 200 with an unexpected body: "
                                + response.body());
                        return;
                    }
                    acks.put(d.seq(), new Ack(Long.parseLong(m.group(1)), first, sent, answered, attempt, base));
                    onAck.accept(acknowledged.incrementAndGet());
                    return;
                }
                if (response.statusCode() != 503) {
                    fatal.compareAndSet(null, "delivery " + d.seq() + " (" + d.pathAndQuery() + ") answered "
                            + response.statusCode() + ", which no retry changes: " + response.body());
                    return;
                }
                unavailable.incrementAndGet();
            } catch (IOException e) {
                unreachable.incrementAndGet(); // refused, reset or timed out: the node is down or restarting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pause();
        }
    }

    /** Aurora's retries are minutes apart; these are short, so that the run stays short and keeps the pressure on. */
    private static void pause() {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(20, 120));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deliveries acknowledged so far. */
    int acknowledged() {
        return acknowledged.get();
    }

    /** Attempts sent so far, acknowledged or not. */
    long attempts() {
        return attempts.get();
    }

    /** Attempts that got no answer (connection refused or reset, timeout). */
    long unreachable() {
        return unreachable.get();
    }

    /** Attempts answered 503. */
    long unavailable() {
        return unavailable.get();
    }

    /** What stopped the clients, or null. */
    String fatal() {
        return fatal.get();
    }

    /** Whether the clients stopped: every delivery acknowledged, or a fatal answer. */
    boolean finished() {
        return workers.stream().noneMatch(Thread::isAlive);
    }

    /**
     * Waits for the clients to stop.
     *
     * @return false when they were still sending at the deadline
     */
    boolean await(Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        for (Thread t : workers) {
            long left = end - System.nanoTime();
            if (left > 0) {
                t.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
        return finished();
    }

    /** Stops the clients (a failed run's cleanup). */
    void stop() {
        fatal.compareAndSet(null, "stopped");
        workers.forEach(Thread::interrupt);
    }

    /** The acknowledgements, by delivery seq. */
    Map<Integer, Ack> acks() {
        return Map.copyOf(acks);
    }

}
