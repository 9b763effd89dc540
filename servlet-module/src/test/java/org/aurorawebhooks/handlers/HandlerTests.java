package org.aurorawebhooks.handlers;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.Delivery;

/** What the handler tests share: databases, events, a read-only look at the deliveries table, a tracking handler. */
final class HandlerTests {
    /** How long a test waits for something that should happen at once: a guard against hanging, not a threshold. */
    private static final long PATIENCE_SECONDS = 60;

    private HandlerTests() {
    }

    static Database open(Map<String, String> config) {
        Database db = Database.open(Settings.of(config));
        db.ensureMigrated();
        return db;
    }

    /** A lead event for {@code leadId}; {@code extra} makes it distinct from the lead's other events. */
    static Delivery leadEvent(String type, String leadId, String extra) {
        String[] values = new String[Attribute.values().length];
        values[Attribute.LEAD_ID.ordinal()] = leadId;
        return new Delivery(type, true, Instant.now(), values, "lead_id=" + leadId + extra, null,
                String.format("%032x", (type + "/" + leadId + extra).hashCode()));
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + PATIENCE_SECONDS + " s for: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** One row of aurora_handler_deliveries, read by the test (read-only). */
    record Row(long id, long eventId, String handler, String subject, String status, int attempts, long dueAt,
               Long finishedAt, String claimedBy, String lastError) {
    }

    static List<Row> rows(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT id, event_id, handler, subject, status, attempts, due_at, "
                        + "finished_at, claimed_by, last_error FROM aurora_handler_deliveries ORDER BY id")
                .map((rs, ctx) -> {
                    long finished = rs.getLong("finished_at");
                    Long finishedAt = rs.wasNull() ? null : finished;
                    return new Row(rs.getLong("id"), rs.getLong("event_id"), rs.getString("handler"),
                            rs.getString("subject"), rs.getString("status"), rs.getInt("attempts"), rs.getLong("due_at"),
                            finishedAt, rs.getString("claimed_by"), rs.getString("last_error"));
                }).list());
    }

    static Row rowOf(Database db, long eventId) {
        return rows(db).stream().filter(r -> r.eventId() == eventId).findFirst()
                .orElseThrow(() -> new AssertionError("no delivery of event " + eventId));
    }

    static boolean allFinished(Database db, int expected) {
        List<Row> rows = rows(db);
        return rows.size() == expected && rows.stream().allMatch(r -> !r.status().equals("pending"));
    }

    /**
     * Watches calls across handlers (and nodes): the event ids each subject got, in call order; calls of one
     * subject overlapping; the most calls in flight at once.
     */
    static final class Tracker {
        final Map<String, List<Long>> seen = new ConcurrentHashMap<>();
        final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger maxInFlight = new AtomicInteger();
        private final Map<String, AtomicInteger> inFlightBySubject = new ConcurrentHashMap<>();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger total = new AtomicInteger();

        void call(AuroraEvent event, long sleepMillis) throws InterruptedException {
            String subject = event.subject().orElseThrow();
            AtomicInteger mine = inFlightBySubject.computeIfAbsent(subject, s -> new AtomicInteger());
            if (mine.incrementAndGet() > 1) {
                violations.add("two calls of subject " + subject + " at once (event " + event.id() + ")");
            }
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(sleepMillis); // room for a wrong dispatcher to start another call meanwhile
                seen.computeIfAbsent(subject, s -> java.util.Collections.synchronizedList(new ArrayList<>())).add(event.id());
                total.incrementAndGet();
            } finally {
                inFlight.decrementAndGet();
                mine.decrementAndGet();
            }
        }

        int total() {
            return total.get();
        }

        Map<String, List<Long>> seenBySubject() {
            Map<String, List<Long>> copy = new java.util.TreeMap<>();
            seen.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            return copy;
        }
    }

    /** A handler reporting to a tracker; several instances (nodes) can share one tracker and one name. */
    static final class Tracking implements AuroraEventHandler {
        private final String name;
        private final Tracker tracker;
        private final long sleepMillis;
        final AtomicInteger calls = new AtomicInteger();

        Tracking(String name, Tracker tracker, long sleepMillis) {
            this.name = name;
            this.tracker = tracker;
            this.sleepMillis = sleepMillis;
        }

        @Override
        public void handle(AuroraEvent event) throws InterruptedException {
            calls.incrementAndGet();
            tracker.call(event, sleepMillis);
        }

        @Override
        public String name() {
            return name;
        }
    }
}
