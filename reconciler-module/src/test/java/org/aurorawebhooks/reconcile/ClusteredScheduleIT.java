package org.aurorawebhooks.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.simulator.TestSimulator;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.aurorawebhooks.testing.TestSecrets;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two {@code aurora-reconciler.jar schedule} processes on one PostgreSQL or MariaDB database, as two nodes would
 * be: Quartz runs clustered there, so each fire time of the cron yields one reconcile run, not two.
 */
class ClusteredScheduleIT {

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void twoSchedulersOnOneDatabaseRunEachTriggerOnce(Kind kind, @TempDir Path dir) throws Exception {
        Map<String, String> db = TestDatabases.fresh(kind);
        try (SimulatedAurora aurora = SimulatedAurora.start(TestSimulator.options()
                .withRequestsPerMinute(60_000).withAutoFire(false))) {
            aurora.seedLeads(5);
            Properties p = new Properties();
            p.putAll(db);
            p.put("aurora.api.base-url", aurora.baseUrl());
            p.put("aurora.api.tenant-id", aurora.tenantId());
            p.put("aurora.api.token", aurora.token());
            p.put("aurora.api.requests-per-minute", "60000");
            p.put("aurora.reconciler.cron", "0/2 * * * * ?");
            Path config = dir.resolve("node.properties");
            try (Writer w = Files.newBufferedWriter(config)) {
                p.store(w, null);
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<Process> nodes = new ArrayList<>();
            List<Path> logs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                // In the test-logs folder, so that the suite-wide secret scan reads what the nodes logged.
                Path log = TestSecrets.logFile("ClusteredScheduleIT-" + kind + "-node" + i + ".log");
                logs.add(log);
                nodes.add(new ProcessBuilder(java, "-jar", System.getProperty("aurora.cli.jar"), "schedule",
                        "--config", config.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start());
            }
            Jdbi jdbi = Jdbi.create(db.get("aurora.db.url"));
            List<String> fireTimes = List.of();
            try {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (System.nanoTime() < deadline && fireTimes.size() < 5) {
                    Thread.sleep(500);
                    fireTimes = scheduledRuns(jdbi);
                }
            } finally {
                for (Process node : nodes) {
                    node.destroy();
                }
                for (Process node : nodes) {
                    node.waitFor();
                }
            }
            fireTimes = scheduledRuns(jdbi);
            assertTrue(fireTimes.size() >= 5, "the schedule ran: " + fireTimes + "\n" + Files.readString(logs.get(0)));
            assertEquals(fireTimes.size(), new HashSet<>(fireTimes).size(), "one run per fire time: " + fireTimes);
        }
    }

    private static List<String> scheduledRuns(Jdbi jdbi) {
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT scheduled_for FROM aurora_reconcile_runs "
                    + "WHERE trigger_type = 'schedule' ORDER BY scheduled_for").mapTo(String.class).list());
        } catch (RuntimeException e) {
            return List.of(); // the nodes have not created the tables yet
        }
    }
}
