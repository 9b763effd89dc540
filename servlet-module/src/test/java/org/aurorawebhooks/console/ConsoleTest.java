package org.aurorawebhooks.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TeeOutputStream;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The operator console in a real Jetty against each database: access, content, escaping, secrets, metrics, retry. */
class ConsoleTest {
    private static final String WEBHOOK_HEADER = "X-Aurora-Token";
    private static final String WEBHOOK_TOKEN = TestSecrets.fresh("webhook-token");
    private static final String ADMIN_USER = "opsadmin";
    private static final String ADMIN_PASSWORD = TestSecrets.fresh("admin-password");
    private static final String DB_PASSWORD = TestSecrets.fresh("db-password");
    private static final String API_TOKEN = TestSecrets.fresh("api-token");
    private static final String QUERY_TOKEN = TestSecrets.fresh("query-token");
    private static final List<String> SECRETS = List.of(WEBHOOK_TOKEN, ADMIN_PASSWORD, DB_PASSWORD, API_TOKEN, QUERY_TOKEN);
    private static final String BASE = "/aurora/webhooks";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, String> config(Kind kind, boolean admin) {
        Map<String, String> config = new LinkedHashMap<>(TestDatabases.fresh(kind));
        config.put("aurora.webhooks.auth.header-name", WEBHOOK_HEADER);
        config.put("aurora.webhooks.auth.header-value", WEBHOOK_TOKEN);
        if (admin) {
            config.put("aurora.admin.username", ADMIN_USER);
            config.put("aurora.admin.password", ADMIN_PASSWORD);
        }
        return config;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> admin(FilterHarness app, String page) throws Exception {
        return app.get(BASE + "/" + page, "Authorization", basic(ADMIN_USER, ADMIN_PASSWORD));
    }

    private static HttpResponse<String> deliver(FilterHarness app, String eventAndQuery) throws Exception {
        return app.get(BASE + "/" + eventAndQuery, WEBHOOK_HEADER, WEBHOOK_TOKEN);
    }

    private static HttpResponse<String> post(FilterHarness app, String path, String form, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void consolePathsAnswer404WhenNoAdminCredentialIsConfigured() throws Exception {
        try (FilterHarness app = FilterHarness.start(config(Kind.SQLITE, false))) {
            for (String page : List.of("_status", "_dashboard", "_metrics")) {
                HttpResponse<String> r = app.get(BASE + "/" + page, "Authorization", basic(ADMIN_USER, ADMIN_PASSWORD));
                assertEquals(404, r.statusCode(), page);
                assertFalse(r.body().contains("unknown_event"), "the event parser never sees " + page + ": " + r.body());
                assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null));
            }
            // Nor did they count as rejected webhook requests (nothing to see without a console, but the
            // endpoint's counters are the console's data once it is opened).
            assertEquals(404, app.get(BASE + "/_status", WEBHOOK_HEADER, WEBHOOK_TOKEN).statusCode());
        }
    }

    @Test
    void consoleAnswers401WithoutWithAWrongAndWithTheWebhookCredential() throws Exception {
        Map<String, String> config = config(Kind.SQLITE, true);
        String webhookPassword = TestSecrets.fresh("webhook-password");
        config.put("aurora.webhooks.auth.basic-username", "aurora");
        config.put("aurora.webhooks.auth.basic-password", webhookPassword);
        try (FilterHarness app = FilterHarness.start(config)) {
            for (String page : List.of("_status", "_dashboard", "_metrics")) {
                List<HttpResponse<String>> refused = List.of(
                        app.get(BASE + "/" + page),
                        app.get(BASE + "/" + page, "Authorization", basic(ADMIN_USER, "wrong")),
                        app.get(BASE + "/" + page, "Authorization", basic("someone", ADMIN_PASSWORD)),
                        app.get(BASE + "/" + page, WEBHOOK_HEADER, WEBHOOK_TOKEN),
                        app.get(BASE + "/" + page, "Authorization", basic("aurora", webhookPassword)));
                for (HttpResponse<String> r : refused) {
                    assertEquals(401, r.statusCode(), page);
                    assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="), page);
                    assertFalse(r.body().contains("unknown_event"), r.body());
                }
                assertEquals(200, admin(app, page).statusCode(), page);
            }
            assertEquals(405, app.send("DELETE", BASE + "/_status", "Authorization", basic(ADMIN_USER, ADMIN_PASSWORD))
                    .statusCode());
        }
    }

    @Test
    void aFailedLoginIsLoggedAtMostOnceAMinuteWithoutWhatWasSent() throws Exception {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stderr = System.err;
        try (FilterHarness app = FilterHarness.start(config(Kind.SQLITE, true))) {
            System.setErr(new java.io.PrintStream(new TeeOutputStream(stderr, captured), true, StandardCharsets.UTF_8));
            for (int i = 0; i < 3; i++) {
                assertEquals(401, app.get(BASE + "/_status", "Authorization", basic(ADMIN_USER, "guess-" + i + "-pw")).statusCode());
            }
            assertEquals(401, app.get(BASE + "/_status").statusCode()); // a browser's first request is no failed login
        } finally {
            System.setErr(stderr);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, count(log, "failed operator console login"), log);
        assertTrue(log.contains("from 127.0.0.1 on " + BASE + "/_status (1 failed login(s)"), log);
        assertFalse(log.contains("guess-"), log);
        assertFalse(log.contains(ADMIN_USER), "nor the user name, which may be a mistyped password: " + log);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void statusCountsMatchTheDatabaseAndTheEndpointsAnswers(Kind kind) throws Exception {
        Map<String, String> config = config(kind, true);
        try (FilterHarness app = FilterHarness.start(config)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, deliver(app, "lead_created?lead_id=L" + i + "&source=api").statusCode());
            }
            assertEquals(200, deliver(app, "project_created?project_id=P1&source=api").statusCode());
            assertEquals(200, deliver(app, "project_created?project_id=P1&source=api").statusCode()); // a repeat counts too
            assertEquals(401, app.get(BASE + "/lead_created?lead_id=X").statusCode());
            assertEquals(401, app.get(BASE + "/lead_created?lead_id=Y", WEBHOOK_HEADER, "nope").statusCode());
            assertEquals(404, deliver(app, "no_such_event?a=1").statusCode());
            assertEquals(400, deliver(app, "lead_created?lead_id=bad%20id").statusCode());
            assertEquals(405, app.send("PUT", BASE + "/lead_created?lead_id=L1", WEBHOOK_HEADER, WEBHOOK_TOKEN).statusCode());
            assertEquals(414, deliver(app, "lead_created?lead_id=L1&source=" + "a".repeat(5000)).statusCode());
            insertHandlerDeliveries(config.get("aurora.db.url"));

            HttpResponse<String> response = admin(app, "_status");
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            JsonNode status = JSON.readTree(response.body());
            for (String key : List.of("deliveries", "rejections", "lead_sync", "reconcile_runs", "handlers", "database")) {
                assertTrue(status.has(key), "top-level key " + key + " in " + response.body());
            }
            Map<String, Long> inDatabase = countsByType(config.get("aurora.db.url"));
            assertEquals(Map.of("lead_created", 3L, "project_created", 2L), inDatabase);
            assertEquals(inDatabase, longs(status.path("deliveries").path("last_hour")));
            assertEquals(inDatabase, longs(status.path("deliveries").path("last_day")));
            assertEquals(5, status.path("deliveries").path("total_last_hour").asLong());
            long charted = 0;
            for (JsonNode series : status.path("deliveries").path("per_minute").path("series")) {
                assertEquals(60, series.size());
                for (JsonNode n : series) {
                    charted += n.asLong();
                }
            }
            assertEquals(5, charted, "the chart's minutes add up to the hour");
            assertEquals(5, status.path("deliveries").path("latest").size());
            assertEquals("project_created", status.path("deliveries").path("latest").get(0).path("event").asText());

            Map<String, Long> rejections = longs(status.path("rejections").path("by_reason"));
            assertEquals(2L, rejections.get("unauthorized"));
            assertEquals(1L, rejections.get("unknown_event"));
            assertEquals(1L, rejections.get("invalid_parameter"));
            assertEquals(1L, rejections.get("method_not_allowed"));
            assertEquals(1L, rejections.get("query_too_long"));
            assertEquals(6, status.path("rejections").path("total").asLong());
            JsonNode latestRejection = status.path("rejections").path("latest").get(0);
            assertEquals("query_too_long", latestRejection.path("reason").asText());
            assertEquals(414, latestRejection.path("status").asInt());
            assertEquals(BASE + "/lead_created", latestRejection.path("path").asText());
            assertTrue(latestRejection.path("query").asText().length() <= 500, "a kept query is bounded");

            JsonNode handlers = status.path("handlers").path("counts");
            assertEquals(1, handlers.path("com.example.Crm").path("pending").asLong());
            assertEquals(1, handlers.path("com.example.Crm").path("retrying").asLong());
            assertEquals(2, handlers.path("com.example.Crm").path("dead").asLong());
            assertEquals(2, status.path("handlers").path("dead").size());
            assertEquals(1, status.path("handlers").path("retrying").size());
            assertEquals(0, status.path("lead_sync").path("failing").asLong());
            assertEquals(3, status.path("lead_sync").path("pending").asLong(), "three lead_created deliveries, three leads due");
            assertFalse(status.path("reconcile_runs").path("available").asBoolean(), "no reconciler module in this webapp");
            assertTrue(status.path("database").path("reachable").asBoolean());
            assertEquals(kind.name().toLowerCase(java.util.Locale.ROOT), status.path("database").path("vendor").asText());

            String metrics = admin(app, "_metrics").body();
            assertEquals(3.0, metric(metrics, "aurora_webhooks_deliveries_total{event=\"lead_created\"}"));
            assertEquals(2.0, metric(metrics, "aurora_webhooks_deliveries_total{event=\"project_created\"}"));
            assertEquals(0.0, metric(metrics, "aurora_webhooks_deliveries_total{event=\"design_created\"}"), "every event from zero");
            assertEquals(2.0, metric(metrics, "aurora_webhooks_rejections_total{reason=\"unauthorized\"}"));
            assertEquals(1.0, metric(metrics, "aurora_webhooks_rejections_total{reason=\"unknown_event\"}"));
            assertEquals(0.0, metric(metrics, "aurora_webhooks_rejections_total{reason=\"store_unavailable\"}"));
            assertEquals(2.0, metric(metrics, "aurora_webhooks_handler_deliveries{handler=\"com.example.Crm\",state=\"dead\"}"));
            assertEquals(1.0, metric(metrics, "aurora_webhooks_handler_deliveries{handler=\"com.example.Crm\",state=\"retrying\"}"));
            assertEquals(1.0, metric(metrics, "aurora_webhooks_handler_deliveries{handler=\"com.example.Crm\",state=\"pending\"}"));
            assertEquals(3.0, metric(metrics, "aurora_webhooks_lead_sync_pending"));
            assertEquals(1.0, metric(metrics, "aurora_webhooks_database_up"));

            String page = admin(app, "_dashboard").body();
            assertTrue(page.contains("id=\"deliveries-total-hour\" data-count=\"5\""), "the page's total");
            assertTrue(page.contains("<tr data-event=\"lead_created\"><td>lead_created</td><td class=\"num hour\" data-count=\"3\">"));
            assertTrue(page.contains("<tr data-reason=\"unauthorized\"><td>unauthorized</td><td class=\"num\" data-count=\"2\">"));
            long barred = 0;
            Matcher bars = Pattern.compile("<rect class=\"bar\" data-event=\"[a-z_]+\" data-minute=\"[^\"]+\" data-count=\"(\\d+)\"")
                    .matcher(page);
            while (bars.find()) {
                barred += Long.parseLong(bars.group(1));
            }
            assertEquals(5, barred, "the chart's bars add up to the hour's deliveries");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void whatCallersSentIsEscapedAndCredentialsRedactedAndNoSecretIsEverShown(Kind kind) throws Exception {
        Map<String, String> config = config(kind, true);
        if (kind != Kind.MARIADB) {
            // The test PostgreSQL trusts its user and SQLite has no login: the password is set and ignored.
            // The test MariaDB's root has an empty password, which a wrong one would not match.
            config.put("aurora.db.password", DB_PASSWORD);
        }
        config.put("aurora.api.tenant-id", "tenant-1");
        config.put("aurora.api.token", API_TOKEN);
        try (FilterHarness app = FilterHarness.start(config)) {
            assertEquals(200, deliver(app, "project_status_changed?project_id=P1"
                    + "&status=%3Cscript%3Ealert(1)%3C%2Fscript%3E&token=" + QUERY_TOKEN + "&note=%22%3E%3Cimg").statusCode());
            // Rejected: the wrong credential in the query and a script in an unknown event's name.
            assertEquals(401, app.get(BASE + "/lead_created?lead_id=L1&access_token=" + QUERY_TOKEN).statusCode());
            String raw = app.raw("GET", BASE + "/%3Cscript%3Ealert(2)%3C/script%3E?api_key=" + QUERY_TOKEN + "&x=<b>",
                    WEBHOOK_HEADER, WEBHOOK_TOKEN);
            assertTrue(raw.startsWith("HTTP/1.1 404") || raw.startsWith("HTTP/1.1 400"), raw);
            insertHandlerDeliveries(config.get("aurora.db.url"));

            String status = admin(app, "_status").body();
            assertFalse(status.contains("<script"), status);
            assertTrue(status.contains("\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E"), "escaped in JSON too: " + status);
            assertTrue(status.contains("token=REDACTED"), status);
            assertTrue(status.contains("access_token=REDACTED"), "the rejected request's query is redacted: " + status);
            JsonNode latest = JSON.readTree(status).path("deliveries").path("latest").get(0);
            assertEquals("<script>alert(1)</script>", latest.path("attributes").path("status").asText());

            String page = admin(app, "_dashboard").body();
            assertFalse(page.contains("<script>alert"), "a caller's script never reaches the page as markup");
            assertFalse(page.contains("<img"), page);
            assertFalse(page.contains("<b>"), page);
            assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the status is shown, escaped");
            assertTrue(page.contains("&lt;script&gt;alert(&#39;dead&#39;)&lt;/script&gt;"), "a handler's error is shown, escaped");
            assertTrue(page.contains("token=REDACTED"));
            assertEquals(1, count(page, "<script"), "only the page's own script");
            String fragment = admin(app, "_dashboard?fragment=console").body();
            assertTrue(fragment.startsWith("<main id=\"console\"") && fragment.endsWith("</main>"), "what the script swaps in");
            assertFalse(fragment.contains("<script") || fragment.contains("<style"), "nothing a nonce would have to cover");
            assertTrue(fragment.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
            Matcher nonce = Pattern.compile("<script nonce=\"([^\"]+)\">").matcher(page);
            assertTrue(nonce.find());
            HttpResponse<String> dashboard = admin(app, "_dashboard");
            String csp = dashboard.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'nonce-"), csp);
            assertFalse(csp.contains("unsafe-inline"), csp);

            List<HttpResponse<String>> everything = new ArrayList<>();
            for (String p : List.of("_status", "_dashboard", "_metrics")) {
                everything.add(admin(app, p));
                everything.add(app.get(BASE + "/" + p));
                everything.add(app.get(BASE + "/" + p, "Authorization", basic(ADMIN_USER, "wrong")));
            }
            everything.add(post(app, BASE + "/_dashboard/retry", "id=3", "Authorization", basic(ADMIN_USER, ADMIN_PASSWORD)));
            for (HttpResponse<String> r : everything) {
                for (String secret : SECRETS) {
                    assertFalse(r.body().contains(secret), secret + " in " + r.uri() + ": " + r.body());
                    r.headers().map().forEach((name, values) -> assertFalse(values.toString().contains(secret), name));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void retryNeedsThePagesTokenAndMakesADeadDeliveryPending(Kind kind) throws Exception {
        Map<String, String> config = config(kind, true);
        try (FilterHarness app = FilterHarness.start(config)) {
            insertHandlerDeliveries(config.get("aurora.db.url"));
            long dead = deadIds(config.get("aurora.db.url")).get(0);
            String auth = basic(ADMIN_USER, ADMIN_PASSWORD);
            String page = admin(app, "_dashboard").body();
            Matcher form = Pattern.compile("<tr data-dead-id=\"" + dead + "\".*?name=\"csrf\" value=\"([^\"]+)\">"
                    + "<button type=\"submit\" class=\"retry\" data-retry-id=\"" + dead + "\">").matcher(page);
            assertTrue(form.find(), page);
            String token = form.group(1);

            assertEquals(403, post(app, BASE + "/_dashboard/retry", "id=" + dead, "Authorization", auth).statusCode());
            assertEquals(403, post(app, BASE + "/_dashboard/retry", "id=" + dead + "&csrf=wrong", "Authorization", auth).statusCode());
            assertEquals(403, post(app, BASE + "/_dashboard/retry", "id=" + dead + "&csrf=" + token, "Authorization", auth,
                    "Origin", "https://evil.example").statusCode());
            assertEquals(403, post(app, BASE + "/_dashboard/retry", "id=" + dead + "&csrf=" + token, "Authorization", auth,
                    "Sec-Fetch-Site", "cross-site").statusCode());
            assertEquals(401, post(app, BASE + "/_dashboard/retry", "id=" + dead + "&csrf=" + token).statusCode());
            assertEquals(405, app.get(BASE + "/_dashboard/retry?id=" + dead + "&csrf=" + token, "Authorization", auth).statusCode());
            assertEquals(List.of(dead, dead + 1), deadIds(config.get("aurora.db.url")), "nothing changed yet");

            HttpResponse<String> ok = post(app, BASE + "/_dashboard/retry", "id=" + dead + "&csrf=" + token, "Authorization", auth,
                    "Origin", "http://127.0.0.1:" + app.port(), "Sec-Fetch-Site", "same-origin");
            assertEquals(303, ok.statusCode(), ok.body());
            assertEquals("/app" + BASE + "/_dashboard?retried=" + dead, ok.headers().firstValue("Location").orElse(null));
            assertEquals(List.of(dead + 1), deadIds(config.get("aurora.db.url")));
            assertEquals("pending", statusOf(config.get("aurora.db.url"), dead));
            String after = admin(app, "_dashboard?retried=" + dead).body();
            assertTrue(after.contains("<p id=\"notice\" data-retried=\"" + dead + "\">"), after);
            assertFalse(after.contains("data-dead-id=\"" + dead + "\""));

            HttpResponse<String> again = post(app, BASE + "/_dashboard/retry", "id=" + dead + "&csrf=" + token, "Authorization", auth);
            assertEquals("/app" + BASE + "/_dashboard?retried=none", again.headers().firstValue("Location").orElse(null));
        }
    }

    @Test
    void withTheDatabaseDownTheConsoleStillAnswersAndSaysSo() throws Exception {
        Map<String, String> config = new LinkedHashMap<>();
        // Nothing listens on port 1: every connection is refused at once. A password in the URL is masked.
        config.put("aurora.db.url", "jdbc:postgresql://127.0.0.1:1/none?user=u&password=" + DB_PASSWORD);
        config.put("aurora.webhooks.auth.header-name", WEBHOOK_HEADER);
        config.put("aurora.webhooks.auth.header-value", WEBHOOK_TOKEN);
        config.put("aurora.admin.username", ADMIN_USER);
        config.put("aurora.admin.password", ADMIN_PASSWORD);
        try (FilterHarness app = FilterHarness.start(config)) {
            assertEquals(503, deliver(app, "lead_created?lead_id=L1").statusCode());
            HttpResponse<String> response = admin(app, "_status");
            assertEquals(200, response.statusCode(), response.body());
            JsonNode status = JSON.readTree(response.body());
            assertFalse(status.path("database").path("reachable").asBoolean(), response.body());
            assertTrue(status.path("database").path("error").asText().contains("127.0.0.1:1"), response.body());
            assertEquals(1, status.path("rejections").path("by_reason").path("store_unavailable").asLong());
            String page = admin(app, "_dashboard").body();
            assertTrue(page.contains("<section id=\"database\" data-reachable=\"false\">"), page);
            String metrics = admin(app, "_metrics").body();
            assertEquals(0.0, metric(metrics, "aurora_webhooks_database_up"));
            assertEquals(1.0, metric(metrics, "aurora_webhooks_rejections_total{reason=\"store_unavailable\"}"));
            for (String body : List.of(response.body(), page, metrics)) {
                assertFalse(body.contains(DB_PASSWORD), body);
            }
        }
    }

    @Test
    void everyConsoleAnswerForbidsFramingSniffingAndCaching() throws Exception {
        try (FilterHarness app = FilterHarness.start(config(Kind.SQLITE, true))) {
            for (String p : List.of("_status", "_dashboard", "_metrics")) {
                for (HttpResponse<String> r : List.of(admin(app, p), app.get(BASE + "/" + p))) {
                    assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null), p);
                    assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"), p);
                    assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), p);
                    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null), p);
                    // same-origin, not no-referrer: under no-referrer Chromium posts the page's own form with "Origin: null".
                    assertEquals("same-origin", r.headers().firstValue("Referrer-Policy").orElse(null), p);
                }
            }
            assertNotNull(admin(app, "_metrics").headers().firstValue("Content-Type").filter(t -> t.startsWith("text/plain")).orElse(null));
        }
    }

    private static List<Long> deadIds(String url) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = TestDatabases.inspect(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM aurora_handler_deliveries WHERE status = 'dead' ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static String statusOf(String url, long id) throws Exception {
        try (Connection c = TestDatabases.inspect(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status FROM aurora_handler_deliveries WHERE id = " + id)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Pending, retrying (due in a day) and two dead rows for a handler this webapp does not run, so they stay. */
    private static void insertHandlerDeliveries(String url) throws Exception {
        long now = System.currentTimeMillis();
        // Read-write on SQLite too: this webapp runs in the test's class loader, one SQLite library for both.
        try (Connection c = java.sql.DriverManager.getConnection(url);
             PreparedStatement st = c.prepareStatement("INSERT INTO aurora_handler_deliveries (event_id, handler, subject, status, "
                     + "attempts, due_at, created_at, finished_at, last_error) VALUES (?, 'com.example.Crm', ?, ?, ?, ?, ?, ?, ?)")) {
            Object[][] rows = {
                {1L, "L0", "pending", 0, now, now, null, null},
                {2L, "L1", "pending", 2, now + 86_400_000L, now, null, "java.io.IOException: CRM answered 502"},
                {3L, "L2", "dead", 5, now, now, now, "java.lang.IllegalStateException: <script>alert('dead')</script>"},
                {4L, "P1", "dead", 5, now, now, now - 1000, "java.lang.IllegalStateException: rejected"}};
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    st.setObject(i + 1, row[i]);
                }
                st.executeUpdate();
            }
        }
    }

    private static Map<String, Long> countsByType(String url) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = TestDatabases.inspect(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT event_type, COUNT(*) FROM aurora_webhook_events GROUP BY event_type")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    private static Map<String, Long> longs(JsonNode object) {
        Map<String, Long> out = new TreeMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }

    /** The value of one series in Prometheus text, e.g. {@code name{label="v"} 3.0}. */
    static double metric(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
