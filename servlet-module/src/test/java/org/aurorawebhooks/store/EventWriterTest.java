package org.aurorawebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.testing.SettableClock;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The event writer on each database: repeats within the window only, batches, and exact UTC timestamps. */
class EventWriterTest {
    private static final Duration WINDOW = Duration.ofMinutes(5);


    private static Database open(Map<String, String> config) {
        Database db = Database.open(Settings.of(config));
        db.ensureMigrated();
        return db;
    }

    private static Delivery leadChanged(String leadId, Instant at) {
        String[] values = new String[Attribute.values().length];
        values[Attribute.LEAD_ID.ordinal()] = leadId;
        return new Delivery("lead_changed", true, at, values, "lead_id=" + leadId, null, "fp-lead_changed-" + leadId);
    }

    private static Long repeatOfInTable(Database db, long id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT repeat_of FROM aurora_webhook_events WHERE id = :id")
                .bind("id", id).mapTo(Long.class).findOne().orElse(null));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anIdenticalDeliveryInsideTheWindowRepeatsTheFirstAndOneAfterItDoesNot(Kind kind) {
        SettableClock clock = new SettableClock();
        try (Database db = open(TestDatabases.fresh(kind)); EventWriter writer = new EventWriter(db, WINDOW, clock)) {
            EventWriter.Stored first = writer.write(leadChanged("L1", clock.instant()), 10_000);
            assertNull(first.repeatOf());

            clock.advance(Duration.ofMinutes(4));
            EventWriter.Stored retry = writer.write(leadChanged("L1", clock.instant()), 10_000);
            assertEquals(first.id(), retry.repeatOf(), "identical, 4 minutes later: a repeat");
            assertEquals(first.id(), repeatOfInTable(db, retry.id()));

            clock.advance(Duration.ofMinutes(7)); // 11 minutes after the first, 7 after the retry
            EventWriter.Stored change = writer.write(leadChanged("L1", clock.instant()), 10_000);
            assertNull(change.repeatOf(), "identical but outside the window: a new change, not a repeat");
            assertNull(repeatOfInTable(db, change.id()));

            EventWriter.Stored other = writer.write(leadChanged("L2", clock.instant()), 10_000);
            assertNull(other.repeatOf(), "another lead is never a repeat");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aZeroWindowMakesNothingARepeat(Kind kind) {
        SettableClock clock = new SettableClock();
        try (Database db = open(TestDatabases.fresh(kind)); EventWriter writer = new EventWriter(db, Duration.ZERO, clock)) {
            writer.write(leadChanged("L1", clock.instant()), 10_000);
            assertNull(writer.write(leadChanged("L1", clock.instant()), 10_000).repeatOf());
        }
    }

    /**
     * Sent at once, the deliveries share batches: whichever way they are batched, exactly one is the
     * first and every other one repeats it, and each lead is made due once with one generation per
     * request.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void identicalDeliveriesSentAtOnceRepeatTheOneStoredFirst(Kind kind) throws Exception {
        sendAtOnce(kind, false);
    }

    /** MySQL has no INSERT ... RETURNING: the same with the ids from a JDBC batch's generated keys. */
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void identicalDeliveriesSentAtOnceRepeatTheOneStoredFirstWithGeneratedKeys(Kind kind) throws Exception {
        sendAtOnce(kind, true);
    }

    private static void sendAtOnce(Kind kind, boolean generatedKeysOnly) throws Exception {
        SettableClock clock = new SettableClock();
        int n = 60;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try (Database db = open(TestDatabases.fresh(kind));
             EventWriter writer = new EventWriter(db, WINDOW, clock, HandlerTargets.NONE, generatedKeysOnly)) {
            List<Future<EventWriter.Stored>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String lead = i % 2 == 0 ? "L1" : "L2";
                results.add(pool.submit(() -> writer.write(leadChanged(lead, clock.instant()), 30_000)));
            }
            Map<Long, Long> repeatOfById = new HashMap<>();
            for (Future<EventWriter.Stored> f : results) {
                EventWriter.Stored s = f.get();
                repeatOfById.put(s.id(), s.repeatOf());
            }
            assertEquals(n, repeatOfById.size(), "distinct ids");
            for (String lead : List.of("L1", "L2")) {
                List<Long> ids = db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT id FROM aurora_webhook_events WHERE lead_id = :lead ORDER BY id").bind("lead", lead)
                        .mapTo(Long.class).list());
                assertEquals(n / 2, ids.size());
                long first = ids.get(0);
                assertNull(repeatOfById.get(first));
                assertNull(repeatOfInTable(db, first));
                for (long id : ids.subList(1, ids.size())) {
                    assertEquals(first, repeatOfById.get(id), "answer for row " + id);
                    assertEquals(first, repeatOfInTable(db, id), "row " + id);
                }
            }
            List<Map<String, Object>> due = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT lead_id, generation FROM aurora_lead_sync ORDER BY lead_id").mapToMap().list());
            assertEquals(2, due.size());
            assertEquals(n / 2, ((Number) due.get(0).get("generation")).intValue());
            assertEquals(n / 2, ((Number) due.get(1).get("generation")).intValue());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * {@code received_at} is the instant received, whatever the JVM's default zone and the database
     * session's time zone: 02:30 UTC on 2026-03-29 is a wall time that does not exist in Berlin, where
     * a conversion through the default zone would move it by an hour.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void receivedAtIsStoredAsUtcWhateverTheJvmAndSessionTimeZones(Kind kind) {
        Instant at = Instant.parse("2026-03-29T02:30:00.123Z");
        Map<String, String> config = new HashMap<>(TestDatabases.fresh(kind));
        if (kind == Kind.MARIADB) {
            config.put("aurora.db.url", config.get("aurora.db.url") + "&sessionVariables=time_zone='+05:00'");
        } else if (kind == Kind.POSTGRESQL) {
            config.put("aurora.db.url", config.get("aurora.db.url") + "&options=-c%20TimeZone=Asia/Kolkata");
        }
        TimeZone jvmZone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
        try (Database db = open(config); EventWriter writer = new EventWriter(db, WINDOW, Clock.fixed(at, ZoneOffset.UTC))) {
            long id = writer.write(leadChanged("L1", at), 10_000).id();
            String utcText = db.jdbi().withHandle(h -> h.createQuery(switch (kind) {
                case SQLITE -> "SELECT received_at FROM aurora_webhook_events WHERE id = :id";
                case POSTGRESQL -> "SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
                        + "FROM aurora_webhook_events WHERE id = :id";
                case MARIADB -> "SELECT CONCAT(DATE_FORMAT(received_at, '%Y-%m-%dT%H:%i:%s.'), "
                        + "LEFT(DATE_FORMAT(received_at, '%f'), 3), 'Z') FROM aurora_webhook_events WHERE id = :id";
            }).bind("id", id).mapTo(String.class).one());
            assertEquals("2026-03-29T02:30:00.123Z", utcText, "the stored value, read by the database itself");
            Instant read = db.jdbi().withHandle(h -> h.createQuery("SELECT received_at FROM aurora_webhook_events WHERE id = :id")
                    .bind("id", id).map((rs, ctx) -> db.dialect().readTimestamp(rs, "received_at")).one());
            assertEquals(at, read, "read back through the dialect");
            assertEquals(id, writer.write(leadChanged("L1", at), 10_000).repeatOf(), "the window compares in UTC too");
        } finally {
            TimeZone.setDefault(jvmZone);
        }
    }
}
