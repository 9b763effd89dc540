package org.aurorawebhooks.handlers;

import static org.aurorawebhooks.handlers.HandlerTests.await;
import static org.aurorawebhooks.handlers.HandlerTests.leadEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraTransactionalHandler;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventWriter;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The exactly-once variant: the handler's own rows commit with the done mark, or roll back with a failed attempt. */
class TransactionalHandlerTest {
    /** Writes one row per call into its own table; fails after writing on the first attempt of the events it is told to. */
    static final class Projects implements AuroraTransactionalHandler {
        final java.util.Set<Long> failFirst = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public void handle(AuroraEvent event, Connection connection) throws Exception {
            try (PreparedStatement st = connection.prepareStatement("INSERT INTO crm_effects (event_id, attempt) VALUES (?, ?)")) {
                st.setLong(1, event.id());
                st.setInt(2, event.attempt());
                st.executeUpdate();
            }
            if (event.attempt() == 1 && failFirst.contains(event.id())) {
                throw new IllegalStateException("the CRM rejected event " + event.id() + " after the row was written");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void itsRowsCommitWithTheDoneMarkAndRollBackWithAFailedAttemptOneRowPerEvent(Kind kind) throws Exception {
        HandlerRegistry registry = new HandlerRegistry();
        Projects handler = new Projects();
        registry.add(handler, "test");
        try (Database db = HandlerTests.open(TestDatabases.fresh(kind));
             HandlerDispatcher dispatcher = new HandlerDispatcher(db, registry, 3, List.of(Duration.ofMillis(100)),
                     Duration.ofSeconds(30), Clock.systemUTC());
             EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), Clock.systemUTC(), registry)) {
            db.jdbi().useHandle(h -> h.execute("CREATE TABLE crm_effects (event_id BIGINT PRIMARY KEY, attempt INTEGER NOT NULL)"));
            Map<Long, Integer> expected = new TreeMap<>();
            for (int i = 0; i < 8; i++) {
                long id = writer.write(leadEvent("lead_changed", "L" + (i % 3), "&n=" + i), 10_000).id();
                if (i % 2 == 1) {
                    handler.failFirst.add(id);
                }
                expected.put(id, i % 2 == 1 ? 2 : 1);
            }
            dispatcher.start();
            await(() -> HandlerTests.allFinished(db, 8), "every delivery finished");
            Map<Long, Integer> effects = new TreeMap<>();
            db.jdbi().useHandle(h -> h.createQuery("SELECT event_id, attempt FROM crm_effects")
                    .map((rs, ctx) -> effects.put(rs.getLong(1), rs.getInt(2))).list());
            assertEquals(expected, effects, "one row per event: the failed attempts' rows were rolled back");
            for (HandlerTests.Row row : HandlerTests.rows(db)) {
                assertEquals("done", row.status());
                assertEquals((int) expected.get(row.eventId()), row.attempts());
            }
        }
    }

    /** Writes its row, then updates a row the test keeps locked: blocked in SQL until the lock goes. */
    static final class Blocked implements AuroraTransactionalHandler {
        final List<Integer> attempts = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        @Override
        public void handle(AuroraEvent event, Connection connection) throws Exception {
            attempts.add(event.attempt());
            try (PreparedStatement st = connection.prepareStatement("INSERT INTO crm_effects (event_id, attempt) VALUES (?, ?)")) {
                st.setLong(1, event.id());
                st.setInt(2, event.attempt());
                st.executeUpdate();
            }
            try (PreparedStatement st = connection.prepareStatement("UPDATE crm_counter SET calls = calls + 1 WHERE id = 1")) {
                st.executeUpdate();
            }
        }
    }

    /** A JDBC call blocked on a lock ignores the interrupt: the timeout aborts the connection instead. */
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void aCallBlockedInSqlPastTheTimeoutHasItsConnectionAbortedItsWorkRolledBackAndIsRetried(Kind kind) throws Exception {
        HandlerRegistry registry = new HandlerRegistry();
        Blocked handler = new Blocked();
        registry.add(handler, "test");
        try (Database db = HandlerTests.open(TestDatabases.fresh(kind));
             HandlerDispatcher dispatcher = new HandlerDispatcher(db, registry, 2, List.of(Duration.ofMillis(100)),
                     Duration.ofMillis(500), Clock.systemUTC());
             EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), Clock.systemUTC(), registry)) {
            db.jdbi().useHandle(h -> {
                h.execute("CREATE TABLE crm_effects (event_id BIGINT PRIMARY KEY, attempt INTEGER NOT NULL)");
                h.execute("CREATE TABLE crm_counter (id INTEGER PRIMARY KEY, calls INTEGER NOT NULL)");
                h.execute("INSERT INTO crm_counter (id, calls) VALUES (1, 0)");
            });
            long id;
            try (org.jdbi.v3.core.Handle lock = db.jdbi().open()) {
                lock.begin();
                lock.execute("UPDATE crm_counter SET calls = 100 WHERE id = 1");
                id = writer.write(leadEvent("lead_changed", "L1", ""), 10_000).id();
                dispatcher.start();
                await(() -> {
                    HandlerTests.Row row = HandlerTests.rowOf(db, id);
                    return row.attempts() == 1 && row.claimedBy() == null;
                }, "the blocked attempt recorded as failed");
                assertEquals("timed out after PT0.5S (aurora.handlers.timeout); interrupted",
                        HandlerTests.rowOf(db, id).lastError());
                lock.rollback();
            }
            await(() -> HandlerTests.allFinished(db, 1), "the retry done");
            assertEquals("done", HandlerTests.rowOf(db, id).status());
            assertEquals(List.of(1, 2), handler.attempts);
            Map<Long, Integer> effects = new TreeMap<>();
            db.jdbi().useHandle(h -> h.createQuery("SELECT event_id, attempt FROM crm_effects")
                    .map((rs, ctx) -> effects.put(rs.getLong(1), rs.getInt(2))).list());
            assertEquals(Map.of(id, 2), effects, "the aborted attempt's row rolled back");
            assertEquals(1, (int) db.jdbi().withHandle(h -> h.createQuery("SELECT calls FROM crm_counter")
                    .mapTo(Integer.class).one()));
        }
    }

    /** Its first call writes its row, then waits for the test; later calls write theirs and return. */
    static final class Overtaken implements AuroraTransactionalHandler {
        final java.util.concurrent.CountDownLatch firstWrote = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        @Override
        public void handle(AuroraEvent event, Connection connection) throws Exception {
            try (PreparedStatement st = connection.prepareStatement("INSERT INTO crm_effects (event_id, attempt) VALUES (?, ?)")) {
                st.setLong(1, event.id());
                st.setInt(2, event.attempt());
                st.executeUpdate();
            }
            if (event.attempt() == 1) {
                firstWrote.countDown();
                release.await();
            }
        }
    }

    /** A call whose claim expired and was taken over must not commit its work when it finally returns. */
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void aCallWhoseClaimWasTakenOverRollsItsWorkBack(Kind kind) throws Exception {
        HandlerRegistry registry = new HandlerRegistry();
        Overtaken handler = new Overtaken();
        registry.add(handler, "test");
        org.aurorawebhooks.testing.SettableClock clock = new org.aurorawebhooks.testing.SettableClock(
                java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        Duration timeout = Duration.ofSeconds(30);
        Duration grace = Duration.ofSeconds(5);
        try (Database db = HandlerTests.open(TestDatabases.fresh(kind));
             EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), clock, registry)) {
            db.jdbi().useHandle(h -> h.execute("CREATE TABLE crm_effects (event_id BIGINT NOT NULL, attempt INTEGER NOT NULL, "
                    + "PRIMARY KEY (event_id, attempt))"));
            long id;
            try (HandlerDispatcher dispatcher = new HandlerDispatcher(db, registry, 2, List.of(Duration.ofSeconds(1)),
                    timeout, grace, clock)) {
                id = writer.write(leadEvent("lead_changed", "L1", ""), 10_000).id();
                dispatcher.start();
                handler.firstWrote.await();
                clock.advance(timeout.plus(grace).plusMillis(1)); // the first call's claim expires (its watchdog runs on real time)
                dispatcher.wake();
                await(() -> HandlerTests.rowOf(db, id).status().equals("done"), "taken over and done");
                handler.release.countDown();
            } // close() waits for the first call to return and roll back
            HandlerTests.Row row = HandlerTests.rowOf(db, id);
            assertEquals(2, row.attempts());
            List<String> effects = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT event_id, attempt FROM crm_effects ORDER BY event_id, attempt")
                    .map((rs, ctx) -> rs.getLong(1) + "#" + rs.getInt(2)).list());
            assertEquals(List.of(id + "#2"), effects, "only the call that held the claim committed its work");
        }
    }
}
