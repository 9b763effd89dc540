package org.aurorawebhooks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.aurorawebhooks.sync.Testbed;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two passes never overlap, and a pass killed mid-run leaves nothing that stops the next one. */
class ReconcileLockTest {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRunningPassHoldsTheLockAndAnotherExitsWith3(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            assertEquals(0, CliRun.run(bed.config, "status").exitCode()); // creates the tables
            long liveLease = System.currentTimeMillis() + 600_000;
            bed.jdbi().useHandle(h -> h.execute(
                    "INSERT INTO aurora_locks (name, holder, expires_at) VALUES ('reconcile', 'node-7/run-1', ?)", liveLease));
            CliRun run = CliRun.run(bed.config, "reconcile");
            assertEquals(3, run.exitCode(), run.out());
            assertTrue(run.err().contains("another reconcile run holds the lock (node-7/run-1)"), run.err());
            long runs = bed.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_reconcile_runs")
                    .mapTo(Long.class).one());
            assertEquals(0, runs, "a pass that did not start records nothing");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aPassKilledMidRunIsClosedAndRedoneByTheNext(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            assertEquals(0, CliRun.run(bed.config, "status").exitCode());
            bed.aurora.dropShare(1.0);
            String missed = bed.aurora.createLead();
            // What kill -9 leaves behind: a 'running' row and a lock whose lease has run out.
            bed.jdbi().useHandle(h -> {
                h.execute("INSERT INTO aurora_locks (name, holder, expires_at) VALUES ('reconcile', 'dead-node/run', ?)",
                        System.currentTimeMillis() - 1);
                h.execute("INSERT INTO aurora_reconcile_runs (started_at, trigger_type, outcome, since_window, dry_run) VALUES ("
                        + switch (kind) {
                            case SQLITE -> "'2026-01-01T00:00:00.000Z'";
                            case POSTGRESQL -> "TIMESTAMPTZ '2026-01-01 00:00:00+00'";
                            case MARIADB -> "'2026-01-01 00:00:00.000'";
                        }
                        + ", 'cli', 'running', 'P2D', " + (kind == Kind.SQLITE ? "0" : "false") + ")");
            });
            CliRun run = CliRun.run(bed.config, "reconcile");
            assertEquals(0, run.exitCode(), run.err() + run.out());
            assertTrue(bed.leadRow(missed).isPresent(), "the next pass does the work");
            List<Map<String, Object>> runs = bed.jdbi().withHandle(h -> h.createQuery(
                    "SELECT outcome FROM aurora_reconcile_runs ORDER BY id").mapToMap().list());
            assertEquals("interrupted", runs.get(0).get("outcome"));
            assertEquals("succeeded", runs.get(1).get("outcome"));
            long locks = bed.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_locks").mapTo(Long.class).one());
            assertEquals(0, locks, "the lock is released at the end");
        }
    }
}
