package org.aurorawebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The read side of aurora_webhook_events, over deliveries the filter really recorded. */
class EventLogTest {
    private static final String TOKEN = TestSecrets.fresh("webhook-token");

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void latestListsTheNewestDeliveriesFirstAndCountsEachType(TestDatabases.Kind kind) throws Exception {
        Map<String, String> config = new HashMap<>(TestDatabases.fresh(kind));
        config.put("aurora.webhooks.auth.header-name", "X-Token");
        config.put("aurora.webhooks.auth.header-value", TOKEN);
        Instant before = Instant.now();
        try (FilterHarness app = FilterHarness.start(config)) {
            for (String delivery : List.of("lead_created?lead_id=L1&source=api", "lead_changed?lead_id=L1",
                    "agreement_status_changed?project_id=P1&agreement_id=A1&status=countersigned", "lead_changed?lead_id=L1")) {
                assertEquals(200, app.get("/aurora/webhooks/" + delivery, "X-Token", TOKEN).statusCode(), delivery);
            }
            try (Database database = Database.open(Settings.of(config))) {
                EventLog log = new EventLog(database);
                List<EventLog.RecordedEvent> latest = log.latest(3);
                assertEquals(List.of("lead_changed", "agreement_status_changed", "lead_changed"),
                        latest.stream().map(EventLog.RecordedEvent::eventType).toList());
                EventLog.RecordedEvent newest = latest.get(0);
                EventLog.RecordedEvent agreement = latest.get(1);
                EventLog.RecordedEvent first = latest.get(2);
                assertEquals(Map.of("lead_id", "L1"), newest.attributes());
                assertEquals(List.of("project_id", "agreement_id", "status"), List.copyOf(agreement.attributes().keySet()));
                assertEquals("countersigned", agreement.attributes().get("status"));
                assertEquals("status", agreement.undocumentedValues());
                assertNull(first.undocumentedValues());
                assertTrue(first.id() < agreement.id() && agreement.id() < newest.id());
                assertTrue(!first.receivedAt().isBefore(before.minusSeconds(1)), first.receivedAt().toString());

                assertEquals(Map.of("agreement_status_changed", 1L, "lead_changed", 2L, "lead_created", 1L), log.countsByType());
                assertEquals(List.of("agreement_status_changed", "lead_changed", "lead_created"),
                        List.copyOf(log.countsByType().keySet()));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void leadsNamedSinceListsEachLeadOfTheLeadEventsReceivedSinceOnce(TestDatabases.Kind kind) throws Exception {
        Map<String, String> config = new HashMap<>(TestDatabases.fresh(kind));
        config.put("aurora.webhooks.auth.header-name", "X-Token");
        config.put("aurora.webhooks.auth.header-value", TOKEN);
        Instant before = Instant.now().minusSeconds(1);
        try (FilterHarness app = FilterHarness.start(config)) {
            for (String delivery : List.of("lead_created?lead_id=L1&source=api", "lead_changed?lead_id=L1",
                    "lead_converted?lead_id=L2&project_id=P2",
                    "agreement_status_changed?project_id=P1&agreement_id=A1&status=countersigned")) {
                assertEquals(200, app.get("/aurora/webhooks/" + delivery, "X-Token", TOKEN).statusCode(), delivery);
            }
            try (Database database = Database.open(Settings.of(config))) {
                EventLog log = new EventLog(database);
                List<String> leads = log.leadsNamedSince(before);
                assertEquals(2, leads.size(), leads.toString());
                assertEquals(java.util.Set.of("L1", "L2"), java.util.Set.copyOf(leads));
                assertEquals(List.of(), log.leadsNamedSince(Instant.now().plusSeconds(60)));
            }
        }
    }
}
