package org.aurorawebhooks.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.api.RateBudget;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.reconcile.Progress;
import org.aurorawebhooks.reconcile.ReconcileRuns;
import org.aurorawebhooks.reconcile.Reconciler;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.simulator.TestSimulator;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The read methods a page uses instead of its own SQL: leads, the sync queue, reconcile runs. */
class OwnerReadsTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void storedLeadsWaitingLeadsAndRunsReadBackAsRecorded(TestDatabases.Kind kind) throws Exception {
        try (SimulatedAurora aurora = SimulatedAurora.start(TestSimulator.options().withAutoFire(false)
                .withRequestsPerMinute(6000));
             Database database = Database.open(Settings.of(TestDatabases.fresh(kind)))) {
            database.ensureMigrated();
            String older = aurora.createLead();
            String newer = aurora.createLead();
            LeadStore leads = new LeadStore(database);
            Instant t = Instant.parse("2026-11-25T10:00:00Z");
            leads.upsert(aurora.lead(older), t);
            leads.upsert(aurora.lead(newer), t.plusSeconds(60));
            leads.markGone(older, t.plusSeconds(120));

            List<LeadStore.Summary> recent = leads.recent(10);
            assertEquals(List.of(older, newer), recent.stream().map(LeadStore.Summary::leadId).toList());
            ObjectNode json = aurora.lead(newer);
            LeadStore.Summary n = recent.get(1);
            assertEquals(json.get("customer").get("customer_first_name").asText(), n.firstName());
            assertEquals(json.get("customer").get("customer_email").asText(), n.email());
            assertEquals(json.get("address").asText(), n.address());
            assertEquals(Instant.parse(json.get("updated_at").asText()), n.updatedAt());
            assertEquals(t.plusSeconds(60), n.lastFetchedAt());
            assertNull(n.goneAt());
            assertEquals(t.plusSeconds(120), recent.get(0).goneAt());
            assertEquals(1, leads.recent(1).size());

            Clock clock = Clock.fixed(t, java.time.ZoneOffset.UTC);
            LeadSyncQueue queue = new LeadSyncQueue(database, clock);
            queue.markDue("L-b", "webhook");
            queue.markDue("L-a", "reconcile");
            assertEquals(List.of(new LeadSyncQueue.Waiting("L-a", "reconcile", 0, null),
                    new LeadSyncQueue.Waiting("L-b", "webhook", 0, null)), queue.waiting(10));
            assertEquals(List.of(), queue.failing(10));
            LeadSyncQueue.Claim claim = queue.claim("w", 1, Duration.ofMinutes(1)).get(0);
            queue.fail(claim, "w", "HTTP 500 from Aurora");
            assertEquals(List.of(new LeadSyncQueue.Waiting(claim.leadId(), claim.leadId().equals("L-a") ? "reconcile" : "webhook",
                    1, "HTTP 500 from Aurora")), queue.failing(10));

            AuroraApi api = AuroraApi.create(URI.create(aurora.baseUrl()), aurora.tenantId(), aurora.token(),
                    new RateBudget(6000), Duration.ofSeconds(10));
            aurora.deleteLead(newer);
            var report = new Reconciler(database, api, Clock.systemUTC()).run(org.aurorawebhooks.reconcile.RunTrigger.CLI, Duration.ofDays(2), false,
                    Progress.Listener.NONE);
            List<ReconcileRuns.RecordedRun> runs = new ReconcileRuns(database).recent(5);
            assertEquals(1, runs.size());
            ReconcileRuns.RecordedRun run = runs.get(0);
            assertEquals(report.runId(), run.id());
            assertEquals("cli", run.trigger());
            assertEquals(report.outcome().stored(), run.outcome());
            assertEquals(report.checked(), run.checked());
            assertEquals(report.unchanged(), run.unchanged());
            assertEquals(1, run.gone(), "the deleted lead");
            assertEquals(report.gone(), run.gone());
            assertEquals(report.notFound(), run.notFound());
            assertEquals(report.failed(), run.failed());
            assertEquals(report.apiCalls(), run.apiCalls());
            assertNotNull(run.endedAt());
        }
    }
}
