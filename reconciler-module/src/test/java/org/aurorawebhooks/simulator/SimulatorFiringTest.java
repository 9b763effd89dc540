package org.aurorawebhooks.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.api.RateBudget;
import org.aurorawebhooks.api.Subscription;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * The simulator fires any of the 26 events at a real filter on loopback, drops the share it is told
 * to, and logs each firing.
 */
class SimulatorFiringTest {
    private static final String HEADER = "X-Aurora-Token";
    private static final String TOKEN = TestSecrets.fresh("webhook-token");
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    /** A filter on SQLite and a simulator subscribed to every event with its suggested template. */
    private record Bed(SimulatedAurora aurora, FilterHarness app) implements AutoCloseable {
        static Bed start(Map<String, String> extraConfig) throws Exception {
            Map<String, String> config = new HashMap<>(TestDatabases.fresh(TestDatabases.Kind.SQLITE));
            config.put("aurora.webhooks.auth.header-name", HEADER);
            config.put("aurora.webhooks.auth.header-value", TOKEN);
            config.putAll(extraConfig);
            SimulatedAurora aurora = SimulatedAurora.start(TestSimulator.options()
                    .withRequestsPerMinute(6000).withAutoFire(false));
            return new Bed(aurora, FilterHarness.start(config));
        }

        AuroraApi api() {
            return AuroraApi.create(URI.create(aurora.baseUrl()), aurora.tenantId(), aurora.token(), new RateBudget(6000),
                    Duration.ofSeconds(10));
        }

        void subscribeAll() {
            for (EventType event : EventCatalog.aurora().events()) {
                api().createWebhook(new Subscription(null, event.name(), app.baseUrl() + "/aurora/webhooks/"
                        + event.suggestedTemplate(), "test", true, HEADER, TOKEN));
            }
        }

        List<Map<String, Object>> rows() {
            return app.jdbi().withHandle(h -> h.createQuery("SELECT * FROM aurora_webhook_events ORDER BY id").mapToMap().list());
        }

        @Override
        public void close() {
            app.close();
            aurora.close();
        }
    }

    @Test
    void everyCatalogueEventIsRecordedOnceWithTheAttributesOfItsTemplate() throws Exception {
        try (Bed bed = Bed.start(Map.of())) {
            bed.subscribeAll();
            List<Map<String, String>> sent = new ArrayList<>();
            for (EventType event : EventCatalog.aurora().events()) {
                Map<String, String> values = bed.aurora.eventValues(event.name(), Map.of());
                List<WebhookFiring> firings = bed.aurora.fireWebhooks(event.name(), values);
                assertEquals(1, firings.size(), event.name());
                assertEquals(WebhookFiring.Outcome.ANSWERED, firings.get(0).outcome(), firings.get(0).describe());
                assertEquals(200, firings.get(0).status(), firings.get(0).describe());
                sent.add(values);
            }

            List<Map<String, Object>> rows = bed.rows();
            List<EventType> events = EventCatalog.aurora().events();
            assertEquals(26, rows.size());
            for (int i = 0; i < events.size(); i++) {
                EventType event = events.get(i);
                Map<String, Object> row = rows.get(i);
                assertEquals(event.name(), row.get("event_type"));
                for (Attribute attribute : Attribute.values()) {
                    Object stored = row.get(attribute.parameter());
                    if (!event.has(attribute)) {
                        assertNull(stored, event.name() + " " + attribute.parameter());
                        continue;
                    }
                    assertEquals(sent.get(i).get(attribute.parameter()), stored, event.name() + " " + attribute.parameter());
                    if (attribute.kind() == Attribute.Kind.ID) {
                        assertTrue(((String) stored).matches(UUID_PATTERN), event.name() + ": " + stored + " is a UUID");
                    } else if (!event.documentedValues(attribute).isEmpty()) {
                        for (String v : ((String) stored).split(",")) {
                            assertTrue(event.documentedValues(attribute).contains(v), event.name() + ": " + v + " is documented");
                        }
                    }
                }
                assertNull(row.get("undocumented_values"), event.name() + " sends documented values only");
            }
            assertEquals(26, bed.aurora.firedWebhooks());
            assertEquals(26, bed.aurora.recentFirings().size());
            assertTrue(bed.aurora.recentFirings().get(0).describe().matches(
                    "webhook agreement_status_changed -> http://127\\.0\\.0\\.1:\\d+/app/aurora/webhooks/agreement_status_changed\\?"
                            + "project_id=.*: 200 in \\d+ ms"), bed.aurora.recentFirings().get(0).describe());
        }
    }

    @Test
    void dropShareZeroSetOverHttpDeliversEveryEventFiredOverHttp() throws Exception {
        try (Bed bed = Bed.start(Map.of())) {
            bed.subscribeAll();
            assertEquals(200, put(bed.aurora.baseUrl() + "/_simulator/drop-share", "0.0").statusCode());
            for (String event : EventCatalog.aurora().names()) {
                HttpResponse<String> r = post(bed.aurora.baseUrl() + "/_simulator/fire/" + event);
                assertEquals(200, r.statusCode(), r.body());
                JsonNode firing = JSON.readTree(r.body()).get("firings").get(0);
                assertEquals("answered", firing.get("outcome").asText(), r.body());
                assertEquals(200, firing.get("status").asInt(), r.body());
            }
            assertEquals(EventCatalog.aurora().names(), bed.rows().stream().map(row -> row.get("event_type")).toList());
            assertEquals(0, bed.aurora.droppedWebhooks());
        }
    }

    @Test
    void dropShareOneDeliversNothingAndLogsAndCountsEachDrop() throws Exception {
        try (Bed bed = Bed.start(Map.of())) {
            bed.subscribeAll();
            HttpResponse<String> set = put(bed.aurora.baseUrl() + "/_simulator/drop-share", "1.0");
            assertEquals(200, set.statusCode());
            assertEquals("{\"drop_share\":1.0}", set.body());
            for (String event : EventCatalog.aurora().names()) {
                HttpResponse<String> r = post(bed.aurora.baseUrl() + "/_simulator/fire/" + event);
                assertEquals(200, r.statusCode(), r.body());
                assertEquals("dropped", JSON.readTree(r.body()).get("firings").get(0).get("outcome").asText(), r.body());
            }
            assertEquals(List.of(), bed.rows());
            assertEquals(26, bed.aurora.droppedWebhooks());
            assertEquals(0, bed.aurora.firedWebhooks());
            List<WebhookFiring> log = bed.aurora.recentFirings();
            assertEquals(26, log.size());
            for (WebhookFiring f : log) {
                assertEquals(WebhookFiring.Outcome.DROPPED, f.outcome());
                assertTrue(f.describe().endsWith(": dropped (the drop share chose it; nothing sent)"), f.describe());
            }
            JsonNode counters = JSON.readTree(get(bed.aurora.baseUrl() + "/_simulator/firings").body());
            assertEquals(26, counters.get("dropped").asInt());
            assertEquals(0, counters.get("fired").asInt());
        }
    }

    @Test
    void attributesGivenToTheFireControlOverrideTheGeneratedOnes() throws Exception {
        try (Bed bed = Bed.start(Map.of())) {
            bed.subscribeAll();
            HttpResponse<String> r = post(bed.aurora.baseUrl()
                    + "/_simulator/fire/agreement_status_changed?status=countersigned&project_id=P-1");
            assertEquals(200, r.statusCode(), r.body());
            Map<String, Object> row = bed.rows().get(0);
            assertEquals("countersigned", row.get("status"));
            assertEquals("P-1", row.get("project_id"));
            assertTrue(((String) row.get("agreement_id")).matches(UUID_PATTERN));
            assertEquals("status", row.get("undocumented_values"));
        }
    }

    @Test
    void fireControlRejectsAnUnknownEventAndAnAttributeTheEventLacks() throws Exception {
        try (SimulatedAurora aurora = SimulatedAurora.start(TestSimulator.options())) {
            HttpResponse<String> unknown = post(aurora.baseUrl() + "/_simulator/fire/lead_deleted");
            assertEquals(404, unknown.statusCode());
            assertTrue(JSON.readTree(unknown.body()).get("error").asText().startsWith(
                    "\"lead_deleted\" is not an Aurora event; expected one of [agreement_status_changed, "), unknown.body());

            HttpResponse<String> wrong = post(aurora.baseUrl() + "/_simulator/fire/lead_changed?project_id=P1");
            assertEquals(400, wrong.statusCode());
            assertEquals("event lead_changed has no attribute project_id; its attributes are [lead_id]",
                    JSON.readTree(wrong.body()).get("error").asText());

            HttpResponse<String> share = put(aurora.baseUrl() + "/_simulator/drop-share", "1.5");
            assertEquals(400, share.statusCode());
            assertEquals("drop share: \"1.5\" is not a number between 0.0 (drop none) and 1.0 (drop all)",
                    JSON.readTree(share.body()).get("error").asText());
            assertEquals(0, aurora.firedWebhooks() + aurora.droppedWebhooks());
        }
    }

    @Test
    void aFiringThatGetsNoAnswerIsLoggedAsFailedWithTheReason() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (SimulatedAurora aurora = SimulatedAurora.start(TestSimulator.options().withAutoFire(false))) {
            AuroraApi api = AuroraApi.create(URI.create(aurora.baseUrl()), aurora.tenantId(), aurora.token(),
                    new RateBudget(600), Duration.ofSeconds(10));
            api.createWebhook(new Subscription(null, "lead_changed", "http://127.0.0.1:" + closedPort
                    + "/aurora/webhooks/lead_changed?lead_id=<LEAD_ID>", "test", true, HEADER, TOKEN));
            List<WebhookFiring> firings = aurora.fireWebhooks("lead_changed", Map.of("lead_id", "L1"));
            assertEquals(1, firings.size());
            WebhookFiring f = firings.get(0);
            assertEquals(WebhookFiring.Outcome.FAILED, f.outcome());
            assertTrue(f.describe().startsWith("webhook lead_changed -> http://127.0.0.1:" + closedPort
                    + "/aurora/webhooks/lead_changed?lead_id=L1: failed after "), f.describe());
            assertTrue(f.describe().endsWith("connection refused (ConnectException)"), f.describe());
            assertEquals(1, aurora.failedWebhooks());
        }
    }

    @Test
    void basicAuthInTheUrlTemplateIsSentAsAuroraWouldAndMaskedInTheLog() throws Exception {
        String password = TestSecrets.fresh("webhook-password");
        String queryToken = TestSecrets.fresh("query-token");
        try (Bed bed = Bed.start(Map.of("aurora.webhooks.auth.basic-username", "aurora",
                "aurora.webhooks.auth.basic-password", password))) {
            String base = bed.app.baseUrl().replace("http://", "http://aurora:" + password + "@");
            bed.api().createWebhook(new Subscription(null, "lead_created", base
                    + "/aurora/webhooks/lead_created?lead_id=<LEAD_ID>&source=<SOURCE>&token=" + queryToken, "test", true, null, null));
            WebhookFiring f = bed.aurora.fireWebhooks("lead_created", Map.of("lead_id", "L1", "source", "api")).get(0);
            assertEquals(200, f.status(), f.describe());
            assertEquals(bed.app.baseUrl().replace("http://", "http://aurora:****@")
                    + "/aurora/webhooks/lead_created?lead_id=L1&source=api&token=****", f.url());
            assertTrue(!f.describe().contains(password) && !f.describe().contains(queryToken), f.describe());
        }
    }

    @Test
    void placeholdersAreFilledUnderATurkishDefaultLocale() throws Exception {
        Locale before = Locale.getDefault();
        try (Bed bed = Bed.start(Map.of())) {
            bed.subscribeAll();
            // Lower-casing <LEAD_ID> in Turkish gives "lead_ıd" (dotless i): no value, an empty lead_id.
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            List<WebhookFiring> firings = bed.aurora.fireWebhooks("lead_solar_estimation_job_completed",
                    Map.of("lead_id", "L1", "job_id", "J1", "status", "succeeded"));
            assertEquals(200, firings.get(0).status(), firings.get(0).describe());
            Map<String, Object> row = bed.rows().get(0);
            assertEquals("L1", row.get("lead_id"));
            assertEquals("J1", row.get("job_id"));
        } finally {
            Locale.setDefault(before);
        }
    }

    private HttpResponse<String> post(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
