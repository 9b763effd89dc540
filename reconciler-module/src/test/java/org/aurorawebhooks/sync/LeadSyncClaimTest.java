package org.aurorawebhooks.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A lead whose outcome its worker could not write (the database went away between the claim and the outcome,
 * or a commit's answer was lost) is not stranded for the lease: found by the outage evidence run
 * ({@code DatabaseOutageIT}), where such a lead stayed claimed for 15 minutes after the database was back.
 */
class LeadSyncClaimTest {
    private static final Duration LEASE = Duration.ofMinutes(15);

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aWorkerWhoseOutcomeWasNeverWrittenClaimsTheLeadAgainWhileOtherWorkersStillCannot(Kind kind) {
        try (Database db = Database.open(Settings.of(TestDatabases.fresh(kind)))) {
            db.ensureMigrated();
            LeadSyncQueue queue = new LeadSyncQueue(db, Clock.systemUTC());
            queue.markDue("lead-1", "lead_created");
            assertEquals(List.of("lead-1"), leads(queue.claim("worker-a", 1, LEASE)));
            // worker-a fetched the lead, and then neither its "done" nor its give-back reached the database.

            assertEquals(List.of(), leads(queue.claim("worker-b", 1, LEASE)),
                    "another worker cannot take it while worker-a's lease lasts: claims stay exclusive");
            List<LeadSyncQueue.Claim> again = queue.claim("worker-a", 1, LEASE);
            assertEquals(List.of("lead-1"), leads(again), "worker-a's next claim takes it again, without waiting for the lease");
            queue.complete(again.get(0), "worker-a");
            assertEquals(0L, (long) db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_lead_sync")
                    .mapTo(Long.class).one()), "completed");
        }
    }

    private static List<String> leads(List<LeadSyncQueue.Claim> claims) {
        return claims.stream().map(LeadSyncQueue.Claim::leadId).toList();
    }
}
