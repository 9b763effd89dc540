package org.aurorawebhooks.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.Delivery;
import org.aurorawebhooks.store.EventWriter;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.aurorawebhooks.store.HandlerTargets;
import org.aurorawebhooks.testing.SettableClock;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Retention on each database, on both sides of the cut-off: what is old and finished goes, what is old but
 * still owed to a handler stays, what is young stays; big backlogs go in bounded batches.
 */
class RetentionTest {
    private static final Instant T0 = Instant.parse("2026-08-27T10:00:00Z");
    private static final Duration KEEP = Duration.ofDays(90);

    /** lead_created goes to h1; lead_changed to h1 and h2. */
    private static final HandlerTargets TARGETS = new HandlerTargets() {
        @Override
        public List<String> handlersFor(String eventType) {
            return eventType.equals("lead_changed") ? List.of("h1", "h2") : List.of("h1");
        }

        @Override
        public void queued() {
        }
    };

    private static Database open(Map<String, String> config) {
        Database db = Database.open(Settings.of(config));
        db.ensureMigrated();
        return db;
    }

    private static Delivery event(String type, String leadId, Instant receivedAt) {
        String[] values = new String[Attribute.values().length];
        values[Attribute.LEAD_ID.ordinal()] = leadId;
        return new Delivery(type, true, receivedAt, values, "lead_id=" + leadId, null,
                String.format("%032x", (type + "/" + leadId).hashCode()));
    }

    /** Claims every pending head and finishes the deliveries of {@code eventId} to {@code handler}: done or dead. */
    private static void finish(Database db, SettableClock clock, long eventId, String handler, boolean done) {
        HandlerDeliveries table = new HandlerDeliveries(db.dialect());
        db.jdbi().useTransaction(h -> {
            long now = clock.millis();
            for (HandlerDeliveries.Claimed c : table.claim(h, List.of("h1", "h2"), "test", now, now + 60_000, 1000, "expired")) {
                if (c.eventId() == eventId && c.handler().equals(handler)) {
                    assertTrue(done ? table.complete(h, c.id(), "test", 1, now) : table.bury(h, c.id(), "test", 1, "boom", now));
                } else {
                    table.giveBack(h, c.id(), "test");
                }
            }
        });
    }

    /** Event id to its deliveries as "handler:status"; a delivery whose event is gone is filed under -event_id. */
    private static Map<Long, List<String>> contents(Database db) {
        Map<Long, List<String>> out = new TreeMap<>();
        db.jdbi().useHandle(h -> {
            for (Long id : h.createQuery("SELECT id FROM aurora_webhook_events ORDER BY id").mapTo(Long.class).list()) {
                out.put(id, new ArrayList<>());
            }
            h.createQuery("SELECT event_id, handler, status FROM aurora_handler_deliveries ORDER BY event_id, handler")
                    .map((rs, ctx) -> {
                        long event = rs.getLong("event_id");
                        return out.computeIfAbsent(out.containsKey(event) ? event : -event, k -> new ArrayList<>())
                                .add(rs.getString("handler") + ":" + rs.getString("status"));
                    })
                    .list();
        });
        return out;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void oldAndDoneGoesOldWithDeliveriesNotDoneStaysYoungStays(Kind kind) {
        SettableClock clock = new SettableClock(T0.minus(Duration.ofHours(1)));
        try (Database db = open(TestDatabases.fresh(kind));
             EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), clock, TARGETS)) {
            Instant old = T0.minus(Duration.ofHours(1));
            long a = writer.write(event("lead_created", "A", old), 10_000).id();              // done: goes
            long b = writer.write(event("lead_created", "B", old), 10_000).id();              // pending: stays
            long c = writer.write(event("lead_created", "C", old), 10_000).id();              // dead: stays
            long j = writer.write(event("lead_created", "J", T0.minusMillis(1)), 10_000).id(); // done, 1 ms old: goes
            long k = writer.write(event("lead_changed", "K", old), 10_000).id();              // h1 done, h2 dead: stays
            long z = writer.write(event("lead_created", "Z", T0), 10_000).id();               // at the cut-off: stays
            long y = writer.write(event("lead_created", "Y", T0.plus(Duration.ofDays(1))), 10_000).id(); // young
            finish(db, clock, a, "h1", true);
            finish(db, clock, c, "h1", false);
            finish(db, clock, j, "h1", true);
            finish(db, clock, k, "h1", true);
            finish(db, clock, k, "h2", false);
            clock.advance(Duration.ofDays(1).plusHours(1));
            finish(db, clock, z, "h1", true);
            finish(db, clock, y, "h1", true);
            clock.advance(Duration.ofDays(89)); // now T0 + 90 days: the cut-off is T0

            Retention.Result result = new Retention(db, KEEP, clock).pruneNow();

            Map<Long, List<String>> expected = new TreeMap<>();
            expected.put(b, List.of("h1:pending"));
            expected.put(c, List.of("h1:dead"));
            expected.put(k, List.of("h2:dead")); // its done delivery finished before the cut-off went on its own
            expected.put(z, List.of("h1:done"));
            expected.put(y, List.of("h1:done"));
            assertEquals(expected, contents(db));
            assertEquals(new Retention.Result(T0, 2, 3, 3, 2), result);

            Retention.Result again = new Retention(db, KEEP, clock).pruneNow();
            assertEquals(new Retention.Result(T0, 0, 0, 3, 1), again);
            assertEquals(expected, contents(db));
        }
    }

    /** 1,200 old events (and 5 young ones). */
    private static void writeBacklog(Database db, SettableClock clock) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), clock)) {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 1205; i++) {
                Instant at = i < 1200 ? T0.minus(Duration.ofDays(1)) : T0.plus(Duration.ofDays(1));
                Delivery d = event("lead_created", "L" + i, at);
                writes.add(pool.submit(() -> writer.write(d, 30_000)));
            }
            for (Future<?> f : writes) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        clock.advance(KEEP.plus(Duration.ofHours(1)));
    }

    private static long events(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_webhook_events").mapTo(Long.class).one());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBacklogGoesInBoundedBatches(Kind kind) throws Exception {
        SettableClock clock = new SettableClock(T0);
        try (Database db = open(TestDatabases.fresh(kind))) {
            writeBacklog(db, clock);
            Retention.Result result = new Retention(db, KEEP, clock, 500).pruneNow();
            assertEquals(1200, result.events());
            assertEquals(3, result.batches(), "500 + 500 + 200");
            assertEquals(5, events(db));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void twoNodesPruningAtOnceDeleteEachEventOnce(Kind kind) throws Exception {
        SettableClock clock = new SettableClock(T0);
        Map<String, String> config = TestDatabases.fresh(kind);
        try (Database one = open(config); Database two = open(config)) {
            writeBacklog(one, clock);
            ExecutorService nodes = Executors.newFixedThreadPool(2);
            try {
                Future<Retention.Result> first = nodes.submit(() -> new Retention(one, KEEP, clock, 100).pruneNow());
                Future<Retention.Result> second = nodes.submit(() -> new Retention(two, KEEP, clock, 100).pruneNow());
                assertEquals(1200, first.get(60, TimeUnit.SECONDS).events() + second.get(60, TimeUnit.SECONDS).events());
            } finally {
                nodes.shutdownNow();
            }
            assertEquals(5, events(one));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = "SQLITE")
    void theScheduleRunsOnADaemonThreadThatCloseEnds(Kind kind) throws Exception {
        SettableClock clock = new SettableClock(T0);
        try (Database db = open(TestDatabases.fresh(kind))) {
            writeBacklog(db, clock);
            Retention retention = new Retention(db, KEEP, clock);
            try {
                retention.start(Duration.ZERO, Duration.ofHours(1));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (events(db) > 5 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(5, events(db));
                assertTrue(retentionThreads().stream().allMatch(Thread::isDaemon), "daemon: " + retentionThreads());
            } finally {
                retention.close();
            }
            assertEquals(List.of(), retentionThreads().stream().filter(Thread::isAlive).toList());
        }
    }

    private static List<Thread> retentionThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("aurora-retention-")).toList();
    }
}
