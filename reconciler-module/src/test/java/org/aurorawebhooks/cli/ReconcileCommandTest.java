package org.aurorawebhooks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.sync.Testbed;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reconciler over real HTTP, run through the CLI: it finds what lost webhooks left stale, and
 * each pass is one row in aurora_reconcile_runs.
 */
class ReconcileCommandTest {

    private static Map<String, Object> lastRun(Testbed bed) {
        return bed.jdbi().withHandle(h -> h.createQuery("SELECT * FROM aurora_reconcile_runs ORDER BY id DESC LIMIT 1")
                .mapToMap().one());
    }

    private static int count(Map<String, Object> run, String column) {
        return ((Number) run.get(column)).intValue();
    }

    /** Three leads delivered and synced; returns their ids. */
    private static List<String> syncedLeads(Testbed bed) throws Exception {
        List<String> ids = List.of(bed.aurora.createLead(), bed.aurora.createLead(), bed.aurora.createLead());
        for (String id : ids) {
            Testbed.await("lead " + id, () -> bed.leadRow(id));
        }
        return ids;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void leadWhoseCreatedWebhookWasDroppedIsFoundByTheNextReconcile(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            syncedLeads(bed);
            bed.aurora.dropShare(1.0);
            String missed = bed.aurora.createLead();
            assertEquals(1, bed.aurora.droppedWebhooks());
            assertTrue(bed.leadRow(missed).isEmpty());

            CliRun run = CliRun.run(bed.config, "reconcile");
            assertEquals(0, run.exitCode(), run.err() + run.out());
            assertTrue(run.out().contains("created, missed  1"), run.out());
            assertEquals(bed.aurora.lead(missed).get("customer").get("customer_email").asText(),
                    bed.leadRow(missed).orElseThrow().get("customer_email"));
            Map<String, Object> recorded = lastRun(bed);
            assertEquals("succeeded", recorded.get("outcome"));
            assertEquals("cli", recorded.get("trigger_type"));
            assertEquals(1, count(recorded, "created_missed"));
            assertEquals(0, count(recorded, "changed_missed"));
            assertEquals(4, count(recorded, "checked"));
            assertNotNull(recorded.get("ended_at"));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void leadWhoseChangedWebhookWasDroppedIsUpdatedByTheNextReconcile(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            List<String> ids = syncedLeads(bed);
            bed.aurora.dropShare(1.0);
            bed.aurora.changeLead(ids.get(1));
            String phone = bed.aurora.lead(ids.get(1)).get("customer").get("customer_phone").asText();

            CliRun run = CliRun.run(bed.config, "reconcile");
            assertEquals(0, run.exitCode(), run.err() + run.out());
            assertEquals(phone, bed.leadRow(ids.get(1)).orElseThrow().get("customer_phone"));
            Map<String, Object> recorded = lastRun(bed);
            assertEquals(1, count(recorded, "changed_missed"));
            assertEquals(0, count(recorded, "created_missed"));
            assertEquals(2, count(recorded, "unchanged"));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void leadAuroraDeletedIsMarkedGone(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            List<String> ids = syncedLeads(bed);
            bed.aurora.deleteLead(ids.get(0));
            CliRun run = CliRun.run(bed.config, "reconcile");
            assertEquals(0, run.exitCode(), run.err() + run.out());
            assertNotNull(bed.leadRow(ids.get(0)).orElseThrow().get("gone_at"));
            assertEquals(1, count(lastRun(bed), "gone"));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void dryRunReportsButChangesNothing(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            syncedLeads(bed);
            bed.aurora.dropShare(1.0);
            String missed = bed.aurora.createLead();
            CliRun run = CliRun.run(bed.config, "reconcile", "--dry-run");
            assertEquals(0, run.exitCode(), run.err() + run.out());
            assertTrue(run.out().contains("(dry run)") && run.out().contains("created, missed  1"), run.out());
            assertTrue(bed.leadRow(missed).isEmpty(), "a dry run stores nothing");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void throttleStormSlowsTheWorkWithoutLosingIt(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            syncedLeads(bed);
            bed.aurora.dropShare(1.0);
            String missed = bed.aurora.createLead();
            bed.aurora.throttleNext(3);
            CliRun run = CliRun.run(bed.config, "reconcile");
            assertEquals(0, run.exitCode(), run.err() + run.out());
            assertTrue(bed.leadRow(missed).isPresent());
            Map<String, Object> recorded = lastRun(bed);
            assertEquals(3, count(recorded, "throttled"));
            assertEquals(0, count(recorded, "failed"));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void badTokenFailsFastWithExitCode3AndAClearMessage(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            Map<String, String> config = new HashMap<>(bed.config);
            config.put("aurora.api.token", "wrong-token-value");
            long before = bed.aurora.requests();
            CliRun run = CliRun.run(config, "reconcile");
            assertEquals(3, run.exitCode(), run.out());
            assertTrue(run.err().contains("401") && run.err().contains("aurora.api.token"), run.err());
            assertFalse(run.err().contains("wrong-token-value") || run.out().contains("wrong-token-value"));
            assertEquals(1, bed.aurora.requests() - before, "a refused token is not retried");
            Map<String, Object> recorded = lastRun(bed);
            assertEquals("failed", recorded.get("outcome"));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void badConfigurationExitsWith2NamingTheKey(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            Map<String, String> config = new HashMap<>(bed.config);
            config.put("aurora.api.requests-per-minute", "ninety");
            CliRun run = CliRun.run(config, "reconcile");
            assertEquals(2, run.exitCode());
            assertTrue(run.err().contains("aurora.api.requests-per-minute from file"), run.err());
            assertEquals(2, CliRun.runRaw("reconcile", "--since", "yesterday").exitCode());
            assertEquals(2, CliRun.runRaw("no-such-command").exitCode());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void statusShowsRunsAndPendingWork(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            syncedLeads(bed);
            assertEquals(0, CliRun.run(bed.config, "reconcile").exitCode());
            CliRun status = CliRun.run(bed.config, "status");
            assertEquals(0, status.exitCode(), status.err());
            assertTrue(status.out().contains("succeeded"), status.out());
            assertTrue(status.out().contains("lead sync: 0 pending"), status.out());
        }
    }
}
