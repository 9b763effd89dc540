package org.aurorawebhooks.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.api.RateBudget;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.simulator.TestSimulator;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The sync worker against a simulated Aurora and a real database, without the filter. */
class LeadSyncWorkerTest {

    private static AuroraApi api(SimulatedAurora aurora) {
        return AuroraApi.create(URI.create(aurora.baseUrl()), aurora.tenantId(), aurora.token(), new RateBudget(60_000),
                Duration.ofSeconds(10));
    }

    private static long pending(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_lead_sync").mapTo(Long.class).one());
    }

    private static Database open(Map<String, String> config) {
        Database db = Database.open(Settings.of(config));
        db.ensureMigrated();
        return db;
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void twoWorkersOnOneServerDatabaseNeverFetchTheSameLeadAtOnce(Kind kind) throws Exception {
        Map<String, String> config = TestDatabases.fresh(kind);
        try (SimulatedAurora aurora = SimulatedAurora.start(TestSimulator.options()
                .withRequestsPerMinute(60_000).withAutoFire(false));
             Database nodeA = open(config); Database nodeB = open(config)) {
            LeadSyncQueue queue = new LeadSyncQueue(nodeA, Clock.systemUTC());
            for (int i = 0; i < 60; i++) {
                String id = aurora.createLead();
                queue.markDue(id, "lead_created");
            }
            aurora.delay(20); // long enough for a second claimant to try while a fetch is in flight
            LeadSyncWorker a = LeadSyncWorker.start(nodeA, api(aurora), Clock.systemUTC(), 3);
            LeadSyncWorker b = LeadSyncWorker.start(nodeB, api(aurora), Clock.systemUTC(), 3);
            try (a; b) {
                Testbed.await("the queue to drain", () -> pending(nodeA) == 0 ? Optional.of(true) : Optional.empty());
            }
            // Read after close: a worker counts a lead just after its completion commits, so the queue can be
            // empty a moment before the last count.
            assertEquals(60, a.fetchedCount() + b.fetchedCount());
            assertTrue(a.fetchedCount() > 0 && b.fetchedCount() > 0, "both nodes took work: " + a.fetchedCount()
                    + "/" + b.fetchedCount());
            assertEquals(1, aurora.maxConcurrentSamePath(), "no lead was fetched by two workers at once");
            assertEquals(60, aurora.retrieveLeadCalls(), "each lead was fetched exactly once");
            long stored = nodeA.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_leads").mapTo(Long.class).one());
            assertEquals(60, stored);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBurstOfDeliveriesForOneLeadCostsOneFetch(Kind kind) throws Exception {
        try (SimulatedAurora aurora = SimulatedAurora.start(TestSimulator.options()
                .withRequestsPerMinute(60_000).withAutoFire(false));
             Database db = open(TestDatabases.fresh(kind))) {
            String id = aurora.createLead();
            LeadSyncQueue queue = new LeadSyncQueue(db, Clock.systemUTC());
            for (int i = 0; i < 5; i++) {
                queue.markDue(id, "lead_changed");
            }
            try (LeadSyncWorker worker = LeadSyncWorker.start(db, api(aurora), Clock.systemUTC(), 2)) {
                Testbed.await("the queue to drain", () -> pending(db) == 0 ? Optional.of(true) : Optional.empty());
            }
            assertEquals(1, aurora.retrieveLeadCalls());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void failedFetchesBackOffAndStayVisible(Kind kind) throws Exception {
        try (SimulatedAurora aurora = SimulatedAurora.start(TestSimulator.options()
                .withRequestsPerMinute(60_000).withAutoFire(false));
             Database db = open(TestDatabases.fresh(kind))) {
            String id = aurora.createLead();
            aurora.failNext(1_000, 502);
            new LeadSyncQueue(db, Clock.systemUTC()).markDue(id, "lead_created");
            try (LeadSyncWorker worker = LeadSyncWorker.start(db, api(aurora), Clock.systemUTC(), 1)) {
                Map<String, Object> row = Testbed.await("a recorded failure", () -> db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT attempts, last_error, due_at FROM aurora_lead_sync WHERE lead_id = :id")
                        .bind("id", id).mapToMap().findOne().filter(r -> ((Number) r.get("attempts")).intValue() > 0)));
                assertTrue(String.valueOf(row.get("last_error")).contains("502"), String.valueOf(row.get("last_error")));
                assertTrue(((Number) row.get("due_at")).longValue() > System.currentTimeMillis(), "the retry waits");
                LeadSyncQueue.Stats stats = new LeadSyncQueue(db, Clock.systemUTC()).stats();
                assertEquals(1, stats.failing());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMistypedTenantMarksNoLeadGoneAndPausesTheSync(Kind kind) throws Exception {
        try (SimulatedAurora aurora = SimulatedAurora.start(TestSimulator.options()
                .withRequestsPerMinute(60_000).withAutoFire(false));
             Database db = open(TestDatabases.fresh(kind));
             AuroraApi mistyped = AuroraApi.create(URI.create(aurora.baseUrl()), aurora.tenantId() + "x", aurora.token(),
                     new RateBudget(60_000), Duration.ofSeconds(10))) {
            String id = aurora.createLead();
            new LeadStore(db).upsert(aurora.lead(id), Instant.now());
            new LeadSyncQueue(db, Clock.systemUTC()).markDue(id, "lead_changed");
            try (LeadSyncWorker worker = LeadSyncWorker.start(db, mistyped, Clock.systemUTC(), 1)) {
                // Done with the claim, one way or the other: the lead marked gone, or handed back for later.
                Testbed.await("the claim to be settled", () -> db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM aurora_leads l WHERE l.lead_id = :id AND (l.gone_at IS NOT NULL "
                                + "OR EXISTS (SELECT 1 FROM aurora_lead_sync s WHERE s.lead_id = l.lead_id "
                                + "AND s.claimed_by IS NULL AND s.due_at > :now))")
                        .bind("id", id).bind("now", System.currentTimeMillis()).mapTo(Long.class).one()) > 0
                        ? Optional.of(true) : Optional.empty());
            }
            Map<String, Object> lead = db.jdbi().withHandle(h -> h.createQuery("SELECT gone_at FROM aurora_leads "
                    + "WHERE lead_id = :id").bind("id", id).mapToMap().one());
            assertNull(lead.get("gone_at"), "a 404 of an unknown tenant says nothing about the lead");
            assertEquals(1, pending(db), "the lead stays due until the tenant id is fixed");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anApiAddressWhereNothingAnswersPausesTheSyncWithoutCountingFailures(Kind kind) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (Database db = open(TestDatabases.fresh(kind));
             AuroraApi nowhere = AuroraApi.create(URI.create("http://127.0.0.1:" + closedPort), "tenant", TestSecrets.fresh("api-token"),
                     new RateBudget(60_000), Duration.ofSeconds(10))) {
            LeadSyncQueue queue = new LeadSyncQueue(db, Clock.systemUTC());
            for (String id : List.of("lead-a", "lead-b", "lead-c")) {
                queue.markDue(id, "lead_changed");
            }
            try (LeadSyncWorker worker = LeadSyncWorker.start(db, nowhere, Clock.systemUTC(), 1)) {
                // The first refused call hands its lead back for later; the pause keeps the others unclaimed.
                Testbed.await("a lead handed back for later", () -> db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM aurora_lead_sync WHERE claimed_by IS NULL AND due_at > :now")
                        .bind("now", System.currentTimeMillis()).mapTo(Long.class).one()) > 0
                        ? Optional.of(true) : Optional.empty());
                assertEquals(0, worker.fetchedCount());
            }
            List<Map<String, Object>> rows = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT lead_id, attempts, last_error FROM aurora_lead_sync ORDER BY lead_id").mapToMap().list());
            assertEquals(3, rows.size(), "every lead stays due until the base URL is fixed: " + rows);
            for (Map<String, Object> row : rows) {
                assertEquals(0, ((Number) row.get("attempts")).intValue(), "not a failure of the lead: " + row);
                assertNull(row.get("last_error"), "not a failure of the lead: " + row);
            }
            assertEquals(0, queue.stats().failing());
        }
    }

    @Test
    void aClaimOutlastsTheLongestCallsItsWorkCanMake() {
        // A claim's work is at most three calls (Retrieve Lead; after a 404 a tenant check and Retrieve Lead
        // again), each bounded by the client.
        assertTrue(AuroraApi.MAX_CALL_DURATION.multipliedBy(3).compareTo(LeadSyncWorker.LEASE) < 0,
                "lease " + LeadSyncWorker.LEASE + " vs calls of up to " + AuroraApi.MAX_CALL_DURATION);
    }
}
