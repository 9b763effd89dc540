package org.aurorawebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A claim reads the events of what it claimed as they are now, not as they were at the transaction's first
 * read: an event committed together with its handler delivery after that read is there. On MariaDB's default
 * isolation (REPEATABLE READ: one snapshot per transaction, taken at its first read) the event was missing, and
 * the dispatcher buried such deliveries as dead letters, "event no longer exists". SQLite is left out: its
 * transaction holds the write lock, so nothing commits in between.
 */
class ClaimSnapshotTest {
    private static final HandlerTargets ONE_HANDLER = new HandlerTargets() {
        @Override
        public List<String> handlersFor(String eventType) {
            return List.of("crm");
        }

        @Override
        public void queued() {
        }
    };

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void aClaimReadsTheEventsOfDeliveriesCommittedAfterItsTransactionFirstRead(TestDatabases.Kind kind) {
        try (Database db = Database.open(Settings.of(TestDatabases.fresh(kind)));
             EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), Clock.systemUTC(), ONE_HANDLER)) {
            db.ensureMigrated();
            HandlerDeliveries deliveries = new HandlerDeliveries(db.dialect());
            HandlerDeliveries.Cycle cycle = db.jdbi().inTransaction(h -> {
                h.createQuery("SELECT COUNT(*) FROM aurora_webhook_events").mapTo(Long.class).one(); // the first read
                EventWriter.Stored stored = writer.write(leadCreated("lead-1"), 10_000); // committed on another connection
                HandlerDeliveries.Cycle claimed = deliveries.markAndClaim(h, List.of(), List.of("crm"), "node#1",
                        System.currentTimeMillis(), System.currentTimeMillis() + 60_000, 10, "expired");
                assertEquals(List.of(stored.id()), claimed.claimed().stream().map(HandlerDeliveries.Claimed::eventId).toList(),
                        "the claim takes the delivery committed after the transaction's first read");
                return claimed;
            });
            long eventId = cycle.claimed().get(0).eventId();
            assertEquals(eventId, cycle.events().get(eventId) == null ? -1 : cycle.events().get(eventId).id(),
                    "and reads its event, committed with it: " + cycle.events());
        }
    }

    private static Delivery leadCreated(String leadId) {
        String[] values = new String[Attribute.values().length];
        values[Attribute.LEAD_ID.ordinal()] = leadId;
        return new Delivery("lead_created", true, Instant.now(), values, "lead_id=" + leadId, null,
                String.format("%032x", leadId.hashCode()));
    }
}
