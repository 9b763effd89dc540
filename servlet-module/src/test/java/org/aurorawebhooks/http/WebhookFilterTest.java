package org.aurorawebhooks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The filter in a real Jetty, against a real SQLite file and a real PostgreSQL schema. */
class WebhookFilterTest {
    static final String TOKEN_HEADER = "X-Aurora-Token";
    static final String TOKEN = TestSecrets.fresh("webhook-token");
    static final String OLD_TOKEN = TestSecrets.fresh("webhook-token-old");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Map<String, String> config(Kind kind) {
        Map<String, String> config = new HashMap<>(TestDatabases.fresh(kind));
        config.put("aurora.webhooks.auth.header-name", TOKEN_HEADER);
        config.put("aurora.webhooks.auth.header-value", OLD_TOKEN + ", " + TOKEN);
        return config;
    }

    static FilterHarness start(Kind kind) throws Exception {
        return FilterHarness.start(config(kind));
    }

    static HttpResponse<String> deliver(FilterHarness app, String pathAndQuery) throws Exception {
        return app.get("/aurora/webhooks/" + pathAndQuery, TOKEN_HEADER, TOKEN);
    }

    static long rows(FilterHarness app) {
        return app.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_webhook_events").mapTo(Long.class).one());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "JSON content type expected: " + response.headers().map());
        return JSON.readTree(response.body());
    }

    /** A realistic value for an attribute, as Aurora would fill the suggested template. */
    static String sampleValue(EventType event, Attribute attribute) {
        return switch (attribute.kind()) {
            case ID -> UUID.randomUUID().toString();
            case TEXT -> event.documentedValues(attribute).isEmpty() ? "Proposal sent"
                    : event.documentedValues(attribute).iterator().next();
            case ATTRIBUTE_LIST -> "status,customer_email";
        };
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyCatalogueEventWithItsSuggestedTemplateIsStoredExactlyOnce(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            Set<Long> ids = new HashSet<>();
            for (EventType event : EventCatalog.aurora().events()) {
                Map<Attribute, String> sent = new HashMap<>();
                StringBuilder query = new StringBuilder();
                for (Attribute a : event.attributes()) {
                    String value = sampleValue(event, a);
                    sent.put(a, value);
                    query.append(query.length() == 0 ? "" : "&").append(a.parameter()).append('=').append(enc(value));
                }
                HttpResponse<String> r = deliver(app, event.name() + "?" + query);
                assertEquals(200, r.statusCode(), event.name() + ": " + r.body());
                JsonNode body = json(r);
                long id = body.get("id").asLong();
                assertTrue(ids.add(id), "a new row per delivery");
                assertEquals(event.name(), body.get("event").asText());
                assertFalse(body.get("repeat").asBoolean());
                Map<String, Object> row = app.jdbi().withHandle(h -> h.createQuery(
                        "SELECT * FROM aurora_webhook_events WHERE id = :id").bind("id", id).mapToMap().one());
                assertEquals(event.name(), row.get("event_type"));
                for (Attribute a : Attribute.values()) {
                    assertEquals(sent.get(a), row.get(a.parameter()), event.name() + " column " + a.parameter());
                }
                assertEquals(query.toString(), row.get("query_string"));
                assertNull(row.get("undocumented_values"), event.name());
                assertNotNull(row.get("received_at"));
            }
            assertEquals(26, ids.size());
            assertEquals(26, rows(app));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void missingOrWrongCredentialIsRejectedWith401AndNothingStored(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            HttpResponse<String> none = app.get("/aurora/webhooks/lead_created?lead_id=abc");
            assertEquals(401, none.statusCode());
            assertEquals("unauthorized", json(none).get("error").asText());
            HttpResponse<String> wrong = app.get("/aurora/webhooks/lead_created?lead_id=abc", TOKEN_HEADER, TOKEN + "x");
            assertEquals(401, wrong.statusCode());
            assertFalse(wrong.body().contains(TOKEN), "the body never echoes a secret");
            assertEquals(0, rows(app));
            HttpResponse<String> rotated = app.get("/aurora/webhooks/lead_created?lead_id=abc", TOKEN_HEADER, OLD_TOKEN);
            assertEquals(200, rotated.statusCode(), "every configured value is accepted during a rotation");
            assertEquals(1, rows(app));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void basicAuthIsAcceptedWhenConfigured(Kind kind) throws Exception {
        Map<String, String> config = new HashMap<>(TestDatabases.fresh(kind));
        config.put("aurora.webhooks.auth.basic-username", "aurora");
        String password = TestSecrets.fresh("webhook-password") + "-pa:ss word"; // a colon and a space in it
        config.put("aurora.webhooks.auth.basic-password", password);
        try (FilterHarness app = FilterHarness.start(config)) {
            String good = "Basic " + Base64.getEncoder().encodeToString(("aurora:" + password).getBytes(StandardCharsets.UTF_8));
            String bad = "Basic " + Base64.getEncoder().encodeToString("aurora:nope".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> denied = app.get("/aurora/webhooks/lead_changed?lead_id=L1", "Authorization", bad);
            assertEquals(401, denied.statusCode());
            assertTrue(denied.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
            assertEquals(200, app.get("/aurora/webhooks/lead_changed?lead_id=L1", "Authorization", good).statusCode());
            assertEquals(1, rows(app));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void unknownEventIsRejectedWith404NamingItAndNothingStored(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            HttpResponse<String> r = deliver(app, "lead_deleted?lead_id=abc");
            assertEquals(404, r.statusCode());
            JsonNode body = json(r);
            assertEquals("unknown_event", body.get("error").asText());
            assertEquals("lead_deleted", body.get("event").asText());
            assertEquals("/app/aurora/webhooks/", body.get("known_events_url").asText());
            assertEquals(26, body.get("known_events").size());
            assertEquals(0, rows(app));
            HttpResponse<String> list = app.get("/aurora/webhooks/", TOKEN_HEADER, TOKEN);
            assertEquals(200, list.statusCode());
            assertEquals(26, json(list).get("events").size());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void malformedValuesAreRejectedWith400NamingTheParameterAndNothingStored(Kind kind) throws Exception {
        String[][] cases = {
            {"lead_created?lead_id=" + enc("abc<script>"), "lead_id"},
            {"lead_created?lead_id=", "lead_id"},
            {"lead_created?lead_id=" + "a".repeat(65), "lead_id"},
            {"project_changed?project_id=p1&attributes=status,,name", "attributes"},
            {"project_changed?project_id=p1&attributes=status,Not-A-Name", "attributes"},
            {"project_changed?project_id=p1&attributes=status,status", "attributes"},
            {"lead_changed?lead_id=a&lead_id=b", "lead_id"},
            {"project_status_changed?project_id=p1&status=" + enc("bad\u0000status"), "status"},
            {"project_status_changed?project_id=p1&status=%E0%A4", "status"},
            {"project_status_changed?project_id=p1&status=" + "x".repeat(1025), "status"},
        };
        try (FilterHarness app = start(kind)) {
            for (String[] c : cases) {
                HttpResponse<String> r = deliver(app, c[0]);
                assertEquals(400, r.statusCode(), c[0] + " -> " + r.body());
                JsonNode body = json(r);
                assertEquals(c[1], body.get("parameter").asText(), c[0]);
                assertTrue(body.get("message").asText().contains(c[1]), "the message names the parameter: " + body);
            }
            String badEscape = app.raw("GET", "/aurora/webhooks/project_status_changed?project_id=p1&status=%zz",
                    TOKEN_HEADER, TOKEN);
            assertTrue(badEscape.startsWith("HTTP/1.1 400"), badEscape);
            assertTrue(badEscape.contains("\"parameter\":\"status\""), badEscape);
            assertEquals(0, rows(app));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void oversizedQueryIsRejectedWith414AndNothingStored(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            HttpResponse<String> r = deliver(app, "lead_created?lead_id=abc&padding=" + "p".repeat(5000));
            assertEquals(414, r.statusCode(), r.body());
            assertEquals("query_too_long", json(r).get("error").asText());
            assertEquals("the query string has 5020 characters; at most 4096 are accepted", json(r).get("message").asText());
            HttpResponse<String> huge = deliver(app, "lead_created?lead_id=abc&padding=" + "p".repeat(20000));
            assertEquals(414, huge.statusCode(), "the container refuses an oversized request line itself");
            assertEquals(0, rows(app));
        }
    }

    static HttpResponse<String> postForm(FilterHarness app, String pathAndQuery, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/aurora/webhooks/" + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header(TOKEN_HEADER, TOKEN)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void formBodyParametersAreReadAfterTheQueryStringAndStoredWithIt(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            HttpResponse<String> r = postForm(app, "lead_created?source=api", "lead_id=L1");
            assertEquals(200, r.statusCode(), r.body());
            Map<String, Object> row = app.jdbi().withHandle(h -> h.createQuery(
                    "SELECT lead_id, source, query_string FROM aurora_webhook_events").mapToMap().one());
            assertEquals(Map.of("lead_id", "L1", "source", "api", "query_string", "source=api&lead_id=L1"), row);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void oversizedFormBodyIsRejectedWith413NamingTheBodyAndNothingStored(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            HttpResponse<String> r = postForm(app, "lead_created", "lead_id=L1&padding=" + "p".repeat(5000));
            assertEquals(413, r.statusCode(), r.body());
            JsonNode body = json(r);
            assertEquals("body_too_large", body.get("error").asText());
            assertEquals("the form body has more than 4096 bytes; at most 4096 are accepted",
                    body.get("message").asText());
            assertEquals(0, rows(app));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void queryAndFormBodyTooLongOnlyTogetherAreRejectedNamingBothAndNothingStored(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            String query = "lead_created?source=api&a=" + "q".repeat(2987); // 3,000 characters after the '?'
            HttpResponse<String> r = postForm(app, query, "lead_id=L1&b=" + "p".repeat(2987)); // 3,000 characters
            assertEquals(413, r.statusCode(), r.body());
            JsonNode body = json(r);
            assertEquals("parameters_too_long", body.get("error").asText());
            assertEquals("the query string (3000 characters) and the form body (3000 characters) together have 6001 "
                    + "characters of parameters; at most 4096 are accepted", body.get("message").asText());
            assertEquals(0, rows(app));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void undocumentedEnumValueIsRecordedAndFlagged(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            HttpResponse<String> r = deliver(app, "agreement_status_changed?project_id=p1&agreement_id=a1&status=countersigned");
            assertEquals(200, r.statusCode(), r.body());
            HttpResponse<String> attrs = deliver(app, "project_changed?project_id=p1&source=app&attributes=status,battery_size");
            assertEquals(200, attrs.statusCode(), attrs.body());
            List<Map<String, Object>> stored = app.jdbi().withHandle(h -> h.createQuery(
                    "SELECT status, attributes, undocumented_values FROM aurora_webhook_events ORDER BY id").mapToMap().list());
            assertEquals("countersigned", stored.get(0).get("status"));
            assertEquals("status", stored.get(0).get("undocumented_values"));
            assertEquals("status,battery_size", stored.get(1).get("attributes"));
            assertEquals("attributes", stored.get(1).get("undocumented_values"));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void freeTextStatusIsStoredExactlyAsReceived(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            String status = "Site visit – rescheduled (2/3) & \"confirmed\"";
            assertEquals(200, deliver(app, "project_status_changed?project_id=p1&status=" + enc(status)).statusCode());
            Map<String, Object> row = app.jdbi().withHandle(h -> h.createQuery(
                    "SELECT status, undocumented_values FROM aurora_webhook_events").mapToMap().one());
            assertEquals(status, row.get("status"));
            assertNull(row.get("undocumented_values"), "any string is documented for project_status_changed");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void absentAttributeIsAcceptedAndExtraParametersAreKeptButCredentialsRedacted(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            HttpResponse<String> r = deliver(app,
                    "design_created?design_id=d1&session_token=abcd1234&tenant=acme&api_key=k9-key-value");
            assertEquals(200, r.statusCode(), r.body());
            Map<String, Object> row = app.jdbi().withHandle(h -> h.createQuery(
                    "SELECT * FROM aurora_webhook_events").mapToMap().one());
            for (Map.Entry<String, Object> column : row.entrySet()) {
                String value = String.valueOf(column.getValue());
                assertFalse(value.contains("abcd1234") || value.contains("k9-key-value"),
                        "column " + column.getKey() + " holds a secret: " + value);
            }
            assertEquals("d1", row.get("design_id"));
            assertNull(row.get("project_id"));
            assertEquals("design_id=d1&session_token=REDACTED&tenant=acme&api_key=REDACTED", row.get("query_string"));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void repeatedDeliveryPointsToTheFirstIdenticalOne(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            long first = json(deliver(app, "lead_converted?lead_id=L1&project_id=P1")).get("id").asLong();
            JsonNode again = json(deliver(app, "lead_converted?project_id=P1&lead_id=L1"));
            assertTrue(again.get("repeat").asBoolean());
            assertEquals(first, again.get("repeat_of").asLong());
            JsonNode other = json(deliver(app, "lead_converted?lead_id=L1&project_id=P2"));
            assertFalse(other.get("repeat").asBoolean());
            assertEquals(3, rows(app));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void leadEventsMarkTheirLeadDueOnceForABurst(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            deliver(app, "lead_created?lead_id=L1&source=api");
            deliver(app, "lead_changed?lead_id=L1");
            deliver(app, "lead_solar_estimation_job_completed?lead_id=L1&job_id=J1&status=succeeded");
            deliver(app, "lead_changed?lead_id=L2");
            deliver(app, "project_created?project_id=P1&source=app");
            List<Map<String, Object>> due = app.jdbi().withHandle(h -> h.createQuery(
                    "SELECT lead_id, generation, reason FROM aurora_lead_sync ORDER BY lead_id").mapToMap().list());
            assertEquals(2, due.size());
            assertEquals("L1", due.get(0).get("lead_id"));
            assertEquals(3L, ((Number) due.get(0).get("generation")).longValue());
            assertEquals("lead_solar_estimation_job_completed", due.get(0).get("reason"));
            assertEquals("L2", due.get(1).get("lead_id"));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void headIsAnsweredLikeGetWithoutRecording(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            assertEquals(200, app.send("HEAD", "/aurora/webhooks/lead_created?lead_id=L1", TOKEN_HEADER, TOKEN).statusCode());
            assertEquals(400, app.send("HEAD", "/aurora/webhooks/lead_created?lead_id=L%201", TOKEN_HEADER, TOKEN).statusCode());
            assertEquals(401, app.send("HEAD", "/aurora/webhooks/lead_created?lead_id=L1").statusCode());
            assertEquals(404, app.send("HEAD", "/aurora/webhooks/nope", TOKEN_HEADER, TOKEN).statusCode());
            assertEquals(0, rows(app));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void otherMethodsGet405WithAllow(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            HttpResponse<String> r = app.send("PUT", "/aurora/webhooks/lead_created?lead_id=L1", TOKEN_HEADER, TOKEN);
            assertEquals(405, r.statusCode());
            assertEquals("GET, POST, HEAD", r.headers().firstValue("Allow").orElse(""));
            assertEquals("method_not_allowed", json(r).get("error").asText());
            assertEquals(0, rows(app));
            HttpResponse<String> post = app.send("POST", "/aurora/webhooks/lead_created?lead_id=L1", TOKEN_HEADER, TOKEN);
            assertEquals(200, post.statusCode(), "tools that POST are accepted");
            assertEquals(1, rows(app));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void configuredRouteMapsAnExactPathToAnEvent(Kind kind) throws Exception {
        Map<String, String> config = config(kind);
        config.put("aurora.webhooks.route./lead_created_webhooks", "lead_created");
        try (FilterHarness app = FilterHarness.start(config)) {
            HttpResponse<String> r = app.get("/lead_created_webhooks?lead_id=3fa85f64-5717-4562-b3fc-2c963f66afa6", TOKEN_HEADER, TOKEN);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("lead_created", json(r).get("event").asText());
            assertEquals("host:GET /app/lead_created_webhooks/other", app.get("/lead_created_webhooks/other").body());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void requestsOutsideTheWebhookPathReachTheHostUntouched(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            assertEquals("host:GET /app/orders/17", app.get("/orders/17?x=1").body());
            assertEquals("host:PUT /app/aurora/webhooksX", app.send("PUT", "/aurora/webhooksX").body());
            assertEquals("host:GET /app/aurora", app.get("/aurora").body());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void concurrentDeliveriesAreAllCommittedWithDistinctIds(Kind kind) throws Exception {
        try (FilterHarness app = start(kind)) {
            ExecutorService pool = Executors.newFixedThreadPool(32);
            try {
                List<Future<HttpResponse<String>>> futures = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    String lead = "lead-" + (i % 50);
                    futures.add(pool.submit(() -> deliver(app, "lead_changed?lead_id=" + lead)));
                }
                Set<Long> ids = new HashSet<>();
                for (Future<HttpResponse<String>> f : futures) {
                    HttpResponse<String> r = f.get();
                    assertEquals(200, r.statusCode(), r.body());
                    ids.add(json(r).get("id").asLong());
                }
                assertEquals(300, ids.size());
                assertEquals(300, rows(app));
                long due = app.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_lead_sync").mapTo(Long.class).one());
                assertEquals(50, due);
                long repeats = app.jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM aurora_webhook_events WHERE repeat_of IS NOT NULL").mapTo(Long.class).one());
                assertEquals(250, repeats, "all but the first delivery per lead repeat an earlier one");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
