package org.aurorawebhooks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.aurorawebhooks.sync.Testbed;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;
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

    private static final List<String> CATEGORIES = List.of("created_missed", "changed_missed", "unchanged", "gone",
            "not_found", "failed");

    /** The run's counts by category, and checked, in a fixed order. */
    private static Map<String, Integer> counts(Map<String, Object> run) {
        Map<String, Integer> out = new LinkedHashMap<>();
        out.put("checked", count(run, "checked"));
        for (String c : CATEGORIES) {
            out.put(c, count(run, c));
        }
        return out;
    }

    private static void assertEveryCheckedLeadIsInOneCategory(Map<String, Integer> counts) {
        int sum = CATEGORIES.stream().mapToInt(counts::get).sum();
        assertEquals(counts.get("checked"), sum, "checked == the sum of the categories: " + counts);
    }

    private static Map<String, Integer> expected(int checked, int created, int changed, int unchanged, int gone,
                                                 int notFound, int failed) {
        Map<String, Integer> out = new LinkedHashMap<>();
        out.put("checked", checked);
        out.put("created_missed", created);
        out.put("changed_missed", changed);
        out.put("unchanged", unchanged);
        out.put("gone", gone);
        out.put("not_found", notFound);
        out.put("failed", failed);
        return out;
    }

    private static void awaitSyncQueueEmpty(Testbed bed) throws InterruptedException {
        Testbed.await("the lead sync queue to drain", () -> bed.jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM aurora_lead_sync").mapTo(Long.class).one()) == 0 ? Optional.of(true) : Optional.empty());
    }

    private static List<Object> goneMarks(Testbed bed, List<String> ids) {
        return ids.stream().map(id -> bed.leadRow(id).orElseThrow().get("gone_at")).toList();
    }

    /** Three leads delivered and synced; returns their ids. */
    private static List<String> syncedLeads(Testbed bed) throws Exception {
        List<String> ids = List.of(bed.aurora.createLead(), bed.aurora.createLead(), bed.aurora.createLead());
        for (String id : ids) {
            Testbed.await("lead " + id, () -> bed.leadRow(id));
        }
        return ids;
    }

    @Test
    void reconcileStartsWithTheDatabaseLineAndThenTheAuroraApiLine() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            CliRun run = CliRun.run(bed.config, "reconcile");
            assertEquals(0, run.exitCode(), run.err() + run.out());
            List<String> lines = run.out().lines().toList();
            assertTrue(lines.get(0).startsWith("database: " + bed.config.get("aurora.db.url") + " (aurora.db.url from file "),
                    run.out());
            assertEquals("Aurora API: " + bed.aurora.baseUrl() + ", tenant " + bed.aurora.tenantId(), lines.get(1));
        }
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
            String wrongToken = TestSecrets.fresh("api-token-wrong"); // configured, so a secret all the same
            config.put("aurora.api.token", wrongToken);
            long before = bed.aurora.requests();
            CliRun run = CliRun.run(config, "reconcile");
            assertEquals(3, run.exitCode(), run.out());
            assertTrue(run.err().contains("401") && run.err().contains("aurora.api.token"), run.err());
            assertFalse(run.err().contains(wrongToken) || run.out().contains(wrongToken));
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

    @ParameterizedTest
    @EnumSource(Kind.class)
    void mistypedTenantStopsThePassWithExit3AndChangesNothing(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            List<String> ids = syncedLeads(bed);
            awaitSyncQueueEmpty(bed);
            String tenant = bed.aurora.tenantId();
            String mistyped = tenant.substring(0, tenant.length() - 1) + (tenant.endsWith("x") ? "y" : "x");
            Map<String, String> config = new HashMap<>(bed.config);
            config.put("aurora.api.tenant-id", mistyped);

            CliRun run = CliRun.run(config, "reconcile");

            assertEquals(3, run.exitCode(), run.err() + run.out());
            assertTrue(run.err().contains("aurora.api.tenant-id") && run.err().contains(mistyped), run.err());
            assertEquals(java.util.Arrays.asList(null, null, null), goneMarks(bed, ids), "no lead was marked gone");
            long queued = bed.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_lead_sync")
                    .mapTo(Long.class).one());
            assertEquals(0, queued, "no lead was queued for a retry");
            Map<String, Object> recorded = lastRun(bed);
            assertEquals("failed", recorded.get("outcome"));
            assertEquals(expected(0, 0, 0, 0, 0, 0, 0), counts(recorded));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyCheckedLeadIsInExactlyOneCategoryAndADryRunReportsWhatTheRealRunDoes(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            List<String> ids = syncedLeads(bed);
            String unchanged = ids.get(0);
            String changed = ids.get(1);
            String deleted = ids.get(2);
            String failing = bed.aurora.createLead();
            Testbed.await("lead " + failing, () -> bed.leadRow(failing));
            // A delivery for a lead Aurora does not have (deleted before anyone fetched it): never stored.
            String neverStored = UUID.randomUUID().toString();
            assertEquals(200, bed.aurora.deliver(bed.app.baseUrl() + "/aurora/webhooks/lead_created?lead_id=<LEAD_ID>",
                    Map.of("lead_id", neverStored), Testbed.TOKEN_HEADER, Testbed.TOKEN));
            awaitSyncQueueEmpty(bed);
            assertTrue(bed.leadRow(neverStored).isEmpty());

            bed.aurora.dropShare(1.0);
            String created = bed.aurora.createLead();
            bed.aurora.changeLead(changed);
            bed.aurora.deleteLead(deleted);
            bed.aurora.failLead(failing, 400);

            CliRun dry = CliRun.run(bed.config, "reconcile", "--dry-run");
            assertEquals(1, dry.exitCode(), dry.err() + dry.out());
            Map<String, Integer> predicted = counts(lastRun(bed));
            CliRun real = CliRun.run(bed.config, "reconcile");
            assertEquals(1, real.exitCode(), real.err() + real.out());
            Map<String, Integer> done = counts(lastRun(bed));
            // checked, created, changed, unchanged, gone, not found, failed
            assertEquals(expected(6, 1, 1, 1, 1, 1, 1), done, real.out());
            assertEquals(done, predicted, dry.out());
            assertTrue(real.out().contains("not found        1"), real.out());
            CliRun status = CliRun.run(bed.config, "status");
            assertTrue(status.out().contains(" not found "), status.out());
            // checked, created, changed, unchanged, gone, not found, failed: the real run's row
            String row = String.format("%7d %7d %7d %9d %5d %9d %6d", 6, 1, 1, 1, 1, 1, 1);
            assertTrue(status.out().lines().anyMatch(l -> l.contains("completed_with_failures ") && l.contains(row)),
                    status.out());
            assertTrue(bed.leadRow(created).isPresent());
            assertNotNull(bed.leadRow(deleted).orElseThrow().get("gone_at"));
            assertNull(bed.leadRow(unchanged).orElseThrow().get("gone_at"));

            // Again: the deleted lead is already gone now, so Aurora's 404 changes nothing.
            CliRun dryAgain = CliRun.run(bed.config, "reconcile", "--dry-run");
            Map<String, Integer> predictedAgain = counts(lastRun(bed));
            CliRun realAgain = CliRun.run(bed.config, "reconcile");
            Map<String, Integer> doneAgain = counts(lastRun(bed));
            assertEquals(expected(6, 0, 0, 3, 0, 2, 1), doneAgain, realAgain.out());
            assertEquals(doneAgain, predictedAgain, dryAgain.out());
            for (Map<String, Integer> c : List.of(predicted, done, predictedAgain, doneAgain)) {
                assertEveryCheckedLeadIsInOneCategory(c);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void wrongBaseUrlStopsThePassAtTheFirstCallWithOneLineAndChangesNothing(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            List<String> ids = syncedLeads(bed); // recently touched: the pass would re-fetch each
            awaitSyncQueueEmpty(bed);
            int closedPort;
            try (ServerSocket s = new ServerSocket(0)) {
                closedPort = s.getLocalPort();
            }
            String url = "http://127.0.0.1:" + closedPort;
            Map<String, String> config = new HashMap<>(bed.config);
            config.put("aurora.api.base-url", url);

            CliRun run = CliRun.run(config, "reconcile");

            assertEquals(3, run.exitCode(), run.err() + run.out());
            String message = "cannot reach Aurora's API at " + url + " (aurora.api.base-url): connection refused";
            assertEquals(List.of("aurora-reconciler: " + message), run.err().lines()
                    .filter(l -> l.contains("aurora.api.base-url")).toList(), run.err());
            Map<String, Object> recorded = lastRun(bed);
            assertEquals("failed", recorded.get("outcome"));
            assertEquals(message, recorded.get("error"));
            assertEquals(expected(0, 0, 0, 0, 0, 0, 0), counts(recorded), "no lead was counted as checked or failed");
            assertEquals(1, count(recorded, "api_calls"), "the first refused call stopped the pass");
            long queued = bed.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_lead_sync")
                    .mapTo(Long.class).one());
            assertEquals(0, queued, "no lead was marked for a reconcile_retry");
            assertEquals(java.util.Arrays.asList(null, null, null), goneMarks(bed, ids), "no lead was marked gone");
        }
    }
}
