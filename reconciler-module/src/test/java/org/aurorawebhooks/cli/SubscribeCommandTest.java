package org.aurorawebhooks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.sync.Testbed;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.api.Test;

class SubscribeCommandTest {

    @Test
    void subscribeCreatesOnePerEventThatTheFilterAcceptsAndASecondRunChangesNothing() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            Map<String, String> config = new HashMap<>(bed.config);
            // The testbed already subscribed lead_created and lead_changed with the same templates and token.
            int before = bed.aurora.subscriptions().size();
            assertEquals(2, before);

            CliRun first = CliRun.run(config, "subscribe", "--url", bed.app.baseUrl());
            assertEquals(0, first.exitCode(), first.err());
            assertTrue(first.out().contains("24 created, 0 updated, 2 unchanged"), first.out());
            assertEquals(26, bed.aurora.subscriptions().size());

            CliRun second = CliRun.run(config, "subscribe", "--url", bed.app.baseUrl());
            assertEquals(0, second.exitCode(), second.err());
            assertTrue(second.out().contains("0 created, 0 updated, 26 unchanged"), second.out());
            assertEquals(26, bed.aurora.subscriptions().size());

            // Every subscription, fired as Aurora would fill its template, is accepted and recorded.
            long rowsBefore = rows(bed);
            int ours = 0;
            for (ObjectNode sub : bed.aurora.subscriptions()) {
                String template = sub.get("url_template").asText();
                if (!template.startsWith(bed.app.baseUrl() + "/aurora/webhooks/")) {
                    continue;
                }
                ours++;
                EventType event = EventCatalog.aurora().find(sub.get("event").asText()).orElseThrow();
                int status = bed.aurora.deliver(template, sampleValues(event), sub.get("header_auth_key").asText(),
                        sub.get("header_auth_value").asText());
                assertEquals(200, status, template);
            }
            assertEquals(26, ours);
            assertEquals(rowsBefore + ours, rows(bed));
        }
    }

    @Test
    void changedCredentialUpdatesTheSubscriptions() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            Map<String, String> config = new HashMap<>(bed.config);
            assertEquals(0, CliRun.run(config, "subscribe", "--url", bed.app.baseUrl(), "--events", "lead_converted,design_created").exitCode());
            config.put("aurora.webhooks.auth.header-value", "rotated-token");
            CliRun run = CliRun.run(config, "subscribe", "--url", bed.app.baseUrl(), "--events", "lead_converted,design_created");
            assertTrue(run.out().contains("0 created, 2 updated, 0 unchanged"), run.out());
            assertTrue(!run.out().contains("rotated-token"), "the token is not printed");
            assertEquals(2, CliRun.runRaw("subscribe", "--url", "x", "--events", "lead_deleted").exitCode());
        }
    }

    private static long rows(Testbed bed) {
        return bed.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_webhook_events").mapTo(Long.class).one());
    }

    private static Map<String, String> sampleValues(EventType event) {
        Map<String, String> values = new HashMap<>();
        for (Attribute a : event.attributes()) {
            values.put(a.parameter(), switch (a.kind()) {
                case ID -> UUID.randomUUID().toString();
                case TEXT -> event.documentedValues(a).isEmpty() ? "In review" : event.documentedValues(a).iterator().next();
                case ATTRIBUTE_LIST -> String.join(",", List.of("status", "name"));
            });
        }
        return values;
    }
}
