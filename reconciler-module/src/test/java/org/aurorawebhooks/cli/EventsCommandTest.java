package org.aurorawebhooks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.Delivery;
import org.aurorawebhooks.store.EventWriter;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code events} reads the recorded deliveries of a real SQLite file through the event log's owner. */
class EventsCommandTest {
    private static final String HEADER = "X-Aurora-Token";
    private static final String TOKEN = TestSecrets.fresh("webhook-token");

    /** A migrated database and a writer that records deliveries with the received_at a test chooses. */
    private record Bed(Map<String, String> config, Database database, EventWriter writer) implements AutoCloseable {
        static Bed start() {
            return start(TestDatabases.Kind.SQLITE);
        }

        static Bed start(TestDatabases.Kind kind) {
            Map<String, String> config = new HashMap<>(TestDatabases.fresh(kind));
            config.put("aurora.webhooks.auth.header-name", HEADER);
            config.put("aurora.webhooks.auth.header-value", TOKEN);
            Database database = Database.open(Settings.of(config));
            database.ensureMigrated();
            return new Bed(config, database, new EventWriter(database, Duration.ofHours(6), Clock.systemUTC()));
        }

        EventWriter.Stored record(String event, Instant receivedAt, String fingerprint, String undocumented,
                                  Map<Attribute, String> attributes) {
            String[] values = new String[Attribute.values().length];
            attributes.forEach((a, v) -> values[a.ordinal()] = v);
            return writer.write(new Delivery(event, event.startsWith("lead_"), receivedAt, values, "q", undocumented,
                    fingerprint), 10_000);
        }

        @Override
        public void close() {
            writer.close();
            database.close();
        }
    }

    /** The ids of the rows an events listing printed, in its order. */
    private static List<Long> ids(String out) {
        List<Long> ids = new ArrayList<>();
        out.lines().filter(l -> l.startsWith("  #")).forEach(l -> ids.add(Long.parseLong(l.substring(3).split("\\s+")[0])));
        return ids;
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void listsTheWindowNewestLastWithAttributesAndFlags(TestDatabases.Kind kind) throws Exception {
        try (Bed bed = Bed.start(kind)) {
            Instant now = Instant.now();
            long old = bed.record("lead_created", now.minus(Duration.ofHours(3)), "fp-old", null,
                    Map.of(Attribute.LEAD_ID, "lead-old", Attribute.SOURCE, "api")).id();
            long project = bed.record("project_created", now.minus(Duration.ofMinutes(30)), "fp-p", null,
                    Map.of(Attribute.PROJECT_ID, "proj-1")).id();
            long first = bed.record("lead_changed", now.minus(Duration.ofMinutes(20)), "fp-a", null,
                    Map.of(Attribute.LEAD_ID, "lead-1")).id();
            EventWriter.Stored repeat = bed.record("lead_changed", now.minus(Duration.ofMinutes(5)), "fp-a", null,
                    Map.of(Attribute.LEAD_ID, "lead-1"));
            assertEquals(first, repeat.repeatOf());
            long odd = bed.record("lead_created", now.minus(Duration.ofMinutes(1)), "fp-b", "source",
                    Map.of(Attribute.LEAD_ID, "lead-2", Attribute.SOURCE, "fax")).id();

            CliRun run = CliRun.run(bed.config(), "events");
            assertEquals(0, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().startsWith("database: jdbc:"), run.out());
            assertTrue(run.out().contains("(PT1H), newest last:"), run.out());
            assertEquals(List.of(project, first, repeat.id(), odd), ids(run.out()), "the last hour, in id order: " + run.out());
            assertTrue(run.out().contains("project_created"), run.out());
            String repeatLine = run.out().lines().filter(l -> l.startsWith("  #" + repeat.id() + " ")).findFirst().orElseThrow();
            assertTrue(repeatLine.matches("  #" + repeat.id() + " +\\S+Z +lead_changed +lead_id=lead-1  \\[repeat of #" + first + "]"),
                    repeatLine);
            String oddLine = run.out().lines().filter(l -> l.startsWith("  #" + odd + " ")).findFirst().orElseThrow();
            assertTrue(oddLine.endsWith("lead_id=lead-2 source=fax  [undocumented value: source]"), oddLine);
            assertTrue(run.out().contains("4 deliveries"), run.out());

            run = CliRun.run(bed.config(), "events", "--since", "4h");
            assertEquals(List.of(old, project, first, repeat.id(), odd), ids(run.out()), run.out());

            run = CliRun.run(bed.config(), "events", "--since", "P1D", "--type", "lead_created,project_created");
            assertEquals(List.of(old, project, odd), ids(run.out()), run.out());

            run = CliRun.run(bed.config(), "events", "--since", "4h", "--limit", "2");
            assertEquals(List.of(repeat.id(), odd), ids(run.out()), "the newest two, newest last: " + run.out());
            assertTrue(run.out().contains("only the newest 2"), run.out());

            run = CliRun.run(bed.config(), "events", "--since", "10m", "--type", "project_created");
            assertEquals(List.of(), ids(run.out()), run.out());
            assertTrue(run.out().contains("  none"), run.out());
        }
    }

    @Test
    void anUnknownTypeOrABadDurationIsAUsageError() throws Exception {
        try (Bed bed = Bed.start()) {
            CliRun run = CliRun.run(bed.config(), "events", "--type", "lead_created,lead_chnged");
            assertEquals(2, run.exitCode(), run.out() + run.err());
            assertEquals("aurora-reconciler: --type: \"lead_chnged\" is not an Aurora event; did you mean lead_changed? "
                    + "(list the 26 with: aurora-reconciler trigger --list)", run.err().strip());

            run = CliRun.run(bed.config(), "events", "--since", "yesterday");
            assertEquals(2, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains("--since: \"yesterday\" is not a positive duration"), run.err());
        }
    }

    @Test
    void unknownKeysAreReportedAndAMissingDatabaseIsNotCreated() throws Exception {
        Path dir = Files.createTempDirectory("aurora-events-");
        Path file = dir.resolve("nothing-here.db");
        CliRun run = CliRun.run(Map.of("aurora.db.url", "jdbc:sqlite:" + file, "aurora.webhooks.paht", "/x"), "events");
        assertEquals(3, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("unknown configuration key, ignored: aurora.webhooks.paht"), run.err());
        assertTrue(run.err().contains("does not exist") && run.err().contains("events only reads a database"), run.err());
        assertTrue(run.out().startsWith("database: jdbc:sqlite:" + file), run.out());
        assertFalse(Files.exists(file), "events created the database it was only asked to read");
    }

    @Test
    void followPrintsADeliveryRecordedAfterItStartedUntilInterrupted() throws Exception {
        try (Bed bed = Bed.start(); FilterHarness app = FilterHarness.start(bed.config())) {
            long before = bed.record("project_created", Instant.now(), "fp-before", null,
                    Map.of(Attribute.PROJECT_ID, "proj-before")).id();
            Path config = Files.createTempFile("aurora-events-", ".properties");
            java.util.Properties p = new java.util.Properties();
            p.putAll(bed.config());
            try (var w = Files.newBufferedWriter(config)) {
                p.store(w, null);
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread follower = new Thread(() -> exit.set(Main.run(new String[] {"events", "--follow", "--type",
                "lead_created,project_created", "--config", config.toString()}, new PrintWriter(out, true),
                    new PrintWriter(err, true), Map.of())), "events-follow");
            follower.start();
            try {
                waitFor(() -> out.toString().contains("following:"), out, err);
                assertEquals(List.of(before), ids(out.toString()));

                // A real delivery through the filter, recorded after the command started; one of another type is not shown.
                CliRun other = CliRun.run(bed.config(), "trigger", "design_created", "--url", app.baseUrl());
                assertEquals(0, other.exitCode(), other.out() + other.err());
                CliRun sent = CliRun.run(bed.config(), "trigger", "lead_created", "--url", app.baseUrl(), "lead_id=lead-live");
                assertEquals(0, sent.exitCode(), sent.out() + sent.err());
                waitFor(() -> out.toString().contains("lead_id=lead-live"), out, err);
            } finally {
                follower.interrupt();
                follower.join(30_000);
            }
            assertFalse(follower.isAlive(), "follow stops when interrupted");
            assertEquals(0, exit.get(), err.toString());
            List<Long> ids = ids(out.toString());
            assertEquals(2, ids.size(), out.toString());
            assertEquals(before, ids.get(0));
            assertFalse(out.toString().contains("design_created"), out.toString());
            String live = out.toString().lines().filter(l -> l.contains("lead-live")).findFirst().orElseThrow();
            assertTrue(live.matches("  #" + ids.get(1) + " +\\S+Z +lead_created +lead_id=lead-live source=(api|lcai)"), live);
        }
    }

    /** Waits for the follower's output (a generous bound against a hang, not a timing assertion). */
    private static void waitFor(java.util.function.BooleanSupplier condition, StringWriter out, StringWriter err)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the follower did not print it; out:\n" + out + "\nerr:\n" + err);
            }
            Thread.sleep(50);
        }
    }
}
