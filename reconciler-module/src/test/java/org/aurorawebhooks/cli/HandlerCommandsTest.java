package org.aurorawebhooks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator's handler commands on each database: dead-letters, retry, replay, prune and the handler
 * counts of status, run through the CLI against a database the test fills as the webapp would.
 */
class HandlerCommandsTest {
    /** lead_changed goes to h1 and h2, every other event to h1. */
    private static final HandlerTargets TARGETS = new HandlerTargets() {
        @Override
        public List<String> handlersFor(String eventType) {
            return eventType.equals("lead_changed") ? List.of("h1", "h2") : List.of("h1");
        }

        @Override
        public void queued() {
        }
    };

    /** A database as the webapp leaves it, with a writer queueing deliveries to h1 (and h2). */
    private static final class Fixture implements AutoCloseable {
        final Map<String, String> config;
        final Database db;
        final EventWriter writer;
        final HandlerDeliveries table;

        Fixture(Kind kind) {
            config = new HashMap<>(TestDatabases.fresh(kind));
            db = Database.open(Settings.of(config));
            db.ensureMigrated();
            writer = new EventWriter(db, Duration.ofMinutes(5), Clock.systemUTC(), TARGETS);
            table = new HandlerDeliveries(db.dialect());
        }

        long write(String type, String leadId, Instant receivedAt) {
            String[] values = new String[Attribute.values().length];
            values[Attribute.LEAD_ID.ordinal()] = leadId;
            return writer.write(new Delivery(type, true, receivedAt, values, "lead_id=" + leadId, null,
                    String.format("%032x", (type + "/" + leadId + "/" + receivedAt).hashCode())), 30_000).id();
        }

        /** Finishes every pending delivery: dead for those of {@code deadEvent} (-1: none), done for the rest. */
        void finishAll(long deadEvent, String error) {
            while (true) {
                int n = db.jdbi().inTransaction(h -> {
                    long now = System.currentTimeMillis();
                    List<HandlerDeliveries.Claimed> claimed = table.claim(h, List.of("h1", "h2"), "t", now, now + 60_000, 1000, "expired");
                    for (HandlerDeliveries.Claimed c : claimed) {
                        if (c.eventId() == deadEvent) {
                            table.bury(h, c.id(), "t", 5, error, now);
                        } else {
                            table.complete(h, c.id(), "t", 1, now);
                        }
                    }
                    return claimed.size();
                });
                if (n == 0) {
                    return;
                }
            }
        }

        /** Delivery ids of an event, by status, as "handler:status" in id order. */
        List<String> deliveriesOf(long eventId) {
            return db.jdbi().withHandle(h -> h.createQuery("SELECT handler, status, subject FROM aurora_handler_deliveries "
                            + "WHERE event_id = :e ORDER BY id").bind("e", eventId)
                    .map((rs, ctx) -> rs.getString("handler") + ":" + rs.getString("status") + ":" + rs.getString("subject"))
                    .list());
        }

        long deliveryId(long eventId, String status) {
            return db.jdbi().withHandle(h -> h.createQuery("SELECT id FROM aurora_handler_deliveries WHERE event_id = :e "
                    + "AND status = :s").bind("e", eventId).bind("s", status).mapTo(Long.class).one());
        }

        long count(String table) {
            return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
        }

        CliRun run(String... args) throws Exception {
            return CliRun.run(config, args);
        }

        @Override
        public void close() {
            writer.close();
            db.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void deadLettersListsTheDeadOnOneLineEachAndRetryMakesThemPendingAgain(Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            long a = f.write("lead_created", "L-A", Instant.now());
            long b = f.write("lead_created", "L-B", Instant.now());
            f.finishAll(a, "java.lang.IllegalStateException: CRM down\nat line two");
            long dead = f.deliveryId(a, "dead");
            long done = f.deliveryId(b, "done");

            CliRun list = f.run("dead-letters");
            assertEquals(0, list.exitCode(), list.err());
            String line = list.out().lines().filter(l -> l.startsWith(dead + " ")).findFirst().orElseThrow(() ->
                    new AssertionError("no line for delivery " + dead + ":\n" + list.out()));
            for (String part : List.of(" h1 ", " " + a + " ", "lead_created", "L-A", " 5 ",
                    "java.lang.IllegalStateException: CRM down | at line two")) {
                assertTrue(line.contains(part), part + " in: " + line);
            }
            assertTrue(list.out().startsWith("database: "), list.out());
            assertTrue(list.out().contains("1 of 1 dead delivery shown"), list.out());

            CliRun retry = f.run("retry", String.valueOf(dead), "999999", String.valueOf(done));
            assertEquals(1, retry.exitCode(), retry.out() + retry.err());
            assertTrue(retry.out().contains("retried 1 dead delivery, pending again: " + dead), retry.out());
            assertTrue(retry.out().contains("not retried, no dead delivery with these ids: 999999, " + done), retry.out());
            assertEquals(List.of("h1:pending:L-A"), f.deliveriesOf(a));
            assertEquals(List.of("h1:done:L-B"), f.deliveriesOf(b));

            CliRun none = f.run("dead-letters");
            assertEquals(0, none.exitCode());
            assertTrue(none.out().contains("no dead handler deliveries"), none.out());
            CliRun all = f.run("retry", "--all");
            assertEquals(0, all.exitCode());
            assertTrue(all.out().contains("no dead handler deliveries to retry"), all.out());

            f.finishAll(a, "again");
            CliRun retryAll = f.run("retry", "--all");
            assertEquals(0, retryAll.exitCode(), retryAll.err());
            assertTrue(retryAll.out().contains("retried 1 dead delivery, pending again: " + f.deliveryId(a, "pending")),
                    retryAll.out());
        }
    }

    @Test
    void retryWithoutIdsOrWithBothIdsAndAllIsAUsageError() throws Exception {
        try (Fixture f = new Fixture(Kind.SQLITE)) {
            CliRun neither = f.run("retry");
            assertEquals(2, neither.exitCode());
            assertTrue(neither.err().contains("which deliveries? Give their ids (dead-letters lists them) or --all"), neither.err());
            assertEquals(2, f.run("retry", "--all", "7").exitCode());
            assertEquals(2, f.run("retry", "seven").exitCode());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void replayWritesNewPendingDeliveriesForExactlyTheRange(Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            long before = f.write("lead_created", "L1", Instant.parse("2026-11-24T23:59:59.999Z"));
            long first = f.write("lead_created", "L2", Instant.parse("2026-11-25T00:00:00Z"));
            long changed = f.write("lead_changed", "L2", Instant.parse("2026-11-25T12:00:00Z"));
            long last = f.write("lead_converted", "L3", Instant.parse("2026-11-25T23:59:59.999Z"));
            long after = f.write("lead_created", "L4", Instant.parse("2026-11-26T00:00:00Z"));
            f.finishAll(-1, null);

            CliRun replay = f.run("replay", "--from", "2026-11-25", "--to", "2026-11-26T00:00:00Z");
            assertEquals(0, replay.exitCode(), replay.out() + replay.err());
            assertTrue(replay.out().contains("3 event(s) in range; wrote 4 new pending deliveries"), replay.out());
            assertTrue(replay.out().matches("(?s).*\\n  h1 +3\\n  h2 +1\\n.*"), replay.out());
            assertEquals(List.of("h1:done:L1"), f.deliveriesOf(before));
            assertEquals(List.of("h1:done:L2", "h1:pending:L2"), f.deliveriesOf(first));
            assertEquals(List.of("h1:done:L2", "h2:done:L2", "h1:pending:L2", "h2:pending:L2"), f.deliveriesOf(changed));
            assertEquals(List.of("h1:done:L3", "h1:pending:L3"), f.deliveriesOf(last));
            assertEquals(List.of("h1:done:L4"), f.deliveriesOf(after));

            f.finishAll(-1, null);
            CliRun one = f.run("replay", "--from", "2026-11-25T00:00:00Z", "--to", "2026-11-26T00:00:00Z",
                    "--type", "lead_changed,lead_created", "--handler", "h2");
            assertEquals(0, one.exitCode(), one.out() + one.err());
            assertTrue(one.out().contains("2 event(s) in range; wrote 2 new pending deliveries"), one.out());
            assertEquals(List.of("h1:done:L2", "h2:done:L2", "h1:done:L2", "h2:done:L2", "h2:pending:L2"),
                    f.deliveriesOf(changed));
            assertEquals(List.of("h1:done:L2", "h1:done:L2", "h2:pending:L2"), f.deliveriesOf(first));

            long deliveries = f.count("aurora_handler_deliveries");
            CliRun typo = f.run("replay", "--from", "2026-11-25", "--to", "2026-11-26", "--type", "lead_chnaged");
            assertEquals(2, typo.exitCode());
            assertTrue(typo.err().contains("--type: \"lead_chnaged\" is not an Aurora event; did you mean lead_changed?"),
                    typo.err());
            CliRun unknown = f.run("replay", "--from", "2026-11-25", "--to", "2026-11-26", "--handler", "h3");
            assertEquals(2, unknown.exitCode());
            assertTrue(unknown.err().contains("--handler: no delivery to \"h3\" is recorded in this database; did you mean"),
                    unknown.err());
            CliRun backwards = f.run("replay", "--from", "2026-11-26", "--to", "2026-11-25");
            assertEquals(2, backwards.exitCode());
            CliRun badTime = f.run("replay", "--from", "yesterday", "--to", "2026-11-25");
            assertEquals(2, badTime.exitCode());
            assertTrue(badTime.err().contains("--from: \"yesterday\" is not a time"), badTime.err());
            assertEquals(deliveries, f.count("aurora_handler_deliveries"), "refused replays write nothing");

            CliRun fresh = f.run("replay", "--from", "2026-11-25", "--to", "2026-11-26", "--handler", "h3", "--new-handler");
            assertEquals(0, fresh.exitCode(), fresh.err());
            assertTrue(fresh.out().contains("wrote 3 new pending deliveries"), fresh.out());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void replayPagesThroughARangeLargerThanOnePage(Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            int n = ReplayCommand.PAGE * 2 + 37;
            Instant at = Instant.parse("2026-11-25T10:00:00Z");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Long>> writes = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String lead = "L" + i;
                    writes.add(pool.submit(() -> f.write("lead_created", lead, at)));
                }
                for (Future<Long> w : writes) {
                    w.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            f.finishAll(-1, null);
            CliRun replay = f.run("replay", "--from", "2026-11-25", "--to", "2026-11-26");
            assertEquals(0, replay.exitCode(), replay.err());
            assertTrue(replay.out().contains(n + " event(s) in range; wrote " + n + " new pending deliveries"), replay.out());
            long pending = f.db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(DISTINCT event_id) FROM "
                    + "aurora_handler_deliveries WHERE status = 'pending'").mapTo(Long.class).one());
            assertEquals(n, pending);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void pruneDeletesWhatIsOlderAndKeepsEventsWithDeliveriesNotDone(Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            Instant now = Instant.now();
            long oldDone = f.write("lead_created", "L1", now.minus(Duration.ofDays(40)));
            long oldDead = f.write("lead_created", "L2", now.minus(Duration.ofDays(40)));
            long young = f.write("lead_created", "L3", now.minus(Duration.ofDays(1)));
            f.finishAll(oldDead, "boom");

            CliRun prune = f.run("prune", "--older-than", "30d");
            assertEquals(0, prune.exitCode(), prune.out() + prune.err());
            assertTrue(prune.out().contains("keeping 30 days (--older-than)"), prune.out());
            assertTrue(prune.out().matches("(?s).*pruned 1 event\\(s\\) received before \\S+ and 1 done handler delivery, "
                    + "in 1 batch\\(es\\) of at most 500\\n.*"), prune.out());
            assertTrue(prune.out().contains("kept 1 older event(s) with handler deliveries not done"), prune.out());
            assertEquals(List.of(), f.deliveriesOf(oldDone));
            assertEquals(List.of("h1:dead:L2"), f.deliveriesOf(oldDead));
            assertEquals(List.of("h1:done:L3"), f.deliveriesOf(young));
            assertEquals(2, f.count("aurora_webhook_events"));

            CliRun byConfig = f.run("prune"); // aurora.retention.events: P90D by default, nothing that old is left
            assertEquals(0, byConfig.exitCode(), byConfig.err());
            assertTrue(byConfig.out().contains("keeping 90 days (aurora.retention.events from built-in default)"),
                    byConfig.out());
            assertTrue(byConfig.out().contains("pruned 0 event(s)"), byConfig.out());
            assertEquals(2, f.count("aurora_webhook_events"));
        }
    }

    @Test
    void pruneWithRetentionOffDeletesNothingAndABadDurationIsAUsageError() throws Exception {
        try (Fixture f = new Fixture(Kind.SQLITE)) {
            f.write("lead_created", "L1", Instant.now().minus(Duration.ofDays(400)));
            f.config.put("aurora.retention.events", "off");
            CliRun off = f.run("prune");
            assertEquals(0, off.exitCode(), off.err());
            assertTrue(off.out().contains("aurora.retention.events is off (from "), off.out());
            assertEquals(1, f.count("aurora_webhook_events"));
            CliRun bad = f.run("prune", "--older-than", "a while");
            assertEquals(2, bad.exitCode());
            assertTrue(bad.err().contains("--older-than: \"a while\" is not a positive duration"), bad.err());
            assertEquals(1, f.count("aurora_webhook_events"));
        }
    }

    @Test
    void statusShowsPendingRetryingDeadAndDonePerHandler() throws Exception {
        try (Fixture f = new Fixture(Kind.SQLITE)) {
            long dead = f.write("lead_created", "L1", Instant.now());
            f.write("lead_changed", "L2", Instant.now());
            f.finishAll(dead, "boom");
            long retrying = f.write("lead_created", "L3", Instant.now());
            f.write("lead_created", "L4", Instant.now());
            f.db.jdbi().useTransaction(h -> {
                long now = System.currentTimeMillis();
                for (HandlerDeliveries.Claimed c : f.table.claim(h, List.of("h1"), "t", now, now + 60_000, 10, "expired")) {
                    if (c.eventId() == retrying) {
                        f.table.retryLater(h, c.id(), "t", 1, "later", now + 60_000);
                    } else {
                        f.table.giveBack(h, c.id(), "t");
                    }
                }
            });
            CliRun status = f.run("status");
            assertEquals(0, status.exitCode(), status.err());
            assertTrue(status.out().matches("(?s).*\\n  handler +pending +retrying +dead +done\\n"
                    + "  h1 +1 +1 +1 +1\\n  h2 +0 +0 +0 +1\\n.*"), status.out());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dead-letters", "retry --all", "replay --from 2026-11-25 --to 2026-11-26", "prune"})
    void aCommandOnAnSqliteFileThatDoesNotExistExits3AndCreatesNothing(String command, @TempDir Path dir) throws Exception {
        Path db = dir.resolve("missing.db");
        CliRun run = CliRun.run(Map.of("aurora.db.url", "jdbc:sqlite:" + db), command.split(" "));
        assertEquals(3, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("only reads a database and does not create one"), run.err());
        assertFalse(Files.exists(db), command + " created " + db);
    }
}
