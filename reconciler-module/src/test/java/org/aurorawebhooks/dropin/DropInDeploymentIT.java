package org.aurorawebhooks.dropin;

import static org.aurorawebhooks.dropin.HostWebapp.TOKEN;
import static org.aurorawebhooks.dropin.HostWebapp.TOKEN_HEADER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.aurorawebhooks.dropin.Container.Deployment;
import org.aurorawebhooks.dropin.shop.ShopOnboarding;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code aurora-webhooks.jar} dropped into {@code WEB-INF/lib} of a plain webapp that knows nothing
 * about it, deployed into real Tomcat 10.1 and Jetty 12 (ee10), spoken to over HTTP on loopback. The
 * webapp's {@code web.xml} declares no filter and its only configuration is {@code <context-param>}s;
 * the webapp ships older Jackson and JDBI of its own. The webapp's class loader sees only what a
 * container provides (see {@link ContainerClassLoader}), so everything Aurora needs must come from the
 * jar.
 */
class DropInDeploymentIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path root;

    private Deployment deploy(Container container, Map<String, String> contextParams) throws Exception {
        HostWebapp webapp = HostWebapp.assemble(root, contextParams);
        return container.deploy(webapp, "/shop", root);
    }

    private String sqliteUrl() {
        return "jdbc:sqlite:" + root.resolve("shop-events.db");
    }

    private static HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        String type = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("application/json"), "JSON expected, got " + type + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private static List<Map<String, Object>> events(String jdbcUrl) throws SQLException {
        try (Connection c = TestDatabases.inspect(jdbcUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, event_type, lead_id, source, query_string FROM aurora_webhook_events ORDER BY id")) {
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** Asserts a 200 naming a new row, and that the row holds what was sent; returns the row id. */
    private static long assertRecorded(HttpResponse<String> response, String jdbcUrl, String leadId) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertTrue(body.has("id") && body.has("event"), "not an answer of aurora-webhooks (is its filter registered?): "
                + response.body());
        assertEquals("lead_created", body.get("event").asText());
        assertFalse(body.get("repeat").asBoolean());
        long id = body.get("id").asLong();
        Map<String, Object> row = events(jdbcUrl).stream()
                .filter(r -> ((Number) r.get("id")).longValue() == id).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + id + " in aurora_webhook_events"));
        assertEquals("lead_created", row.get("event_type"));
        assertEquals(leadId, row.get("lead_id"));
        assertEquals("api", row.get("source"));
        assertEquals("lead_id=" + leadId + "&source=api", row.get("query_string"));
        return id;
    }

    private static void assertHostAnswered(HttpResponse<String> response, String path) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals("GET " + path, body.get("shop").asText());
        assertEquals(HostWebapp.HOST_JACKSON_VERSION, body.get("jackson").asText(), "the host keeps its own Jackson");
        assertEquals("jdbi3-core-3.30.0.jar", body.get("jdbi").asText(), "the host keeps its own JDBI");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void webFragmentRegistersTheFilterAndADeliveryIsCommittedBeforeThe200(Container container) throws Exception {
        try (Deployment shop = deploy(container, HostWebapp.sqliteConfig(root))) {
            String leadId = UUID.randomUUID().toString();
            HttpResponse<String> response = get(shop.baseUrl() + "/aurora/webhooks/lead_created?lead_id=" + leadId
                    + "&source=api", TOKEN_HEADER, TOKEN);
            assertRecorded(response, sqliteUrl(), leadId);
            assertEquals(1, events(sqliteUrl()).size());
        }
    }

    /**
     * The console from the drop-in jar: relocated Micrometer writes the metrics, and the reconciler module's
     * extension hands the console the reconcile runs, also without an API token.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void consoleServesStatusAndMetricsFromTheDropInJarWithTheReconcileRuns(Container container) throws Exception {
        Map<String, String> params = new LinkedHashMap<>(HostWebapp.sqliteConfig(root));
        params.put("aurora.admin.username", "ops");
        String adminPassword = TestSecrets.fresh("admin-password");
        params.put("aurora.admin.password", adminPassword);
        String admin = "Basic " + java.util.Base64.getEncoder().encodeToString(("ops:" + adminPassword).getBytes(StandardCharsets.UTF_8));
        try (Deployment shop = deploy(container, params)) {
            String leadId = UUID.randomUUID().toString();
            assertRecorded(get(shop.baseUrl() + "/aurora/webhooks/lead_created?lead_id=" + leadId + "&source=api",
                    TOKEN_HEADER, TOKEN), sqliteUrl(), leadId);
            assertEquals(401, get(shop.baseUrl() + "/aurora/webhooks/_status", TOKEN_HEADER, TOKEN).statusCode());
            // The console's own 401 (the webhook credential does not open it) is not a rejected delivery.
            JsonNode status = json(get(shop.baseUrl() + "/aurora/webhooks/_status", "Authorization", admin));
            assertEquals(1, status.path("deliveries").path("last_hour").path("lead_created").asLong());
            assertTrue(status.path("reconcile_runs").path("available").asBoolean(), status.toString());
            HttpResponse<String> metrics = get(shop.baseUrl() + "/aurora/webhooks/_metrics", "Authorization", admin);
            assertEquals(200, metrics.statusCode(), metrics.body());
            assertTrue(metrics.body().contains("aurora_webhooks_deliveries_total{event=\"lead_created\"} 1"), metrics.body());
            assertTrue(metrics.body().contains("aurora_webhooks_rejections_total{reason=\"unauthorized\"} 0"), metrics.body());
            HttpResponse<String> page = get(shop.baseUrl() + "/aurora/webhooks/_dashboard", "Authorization", admin);
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<section id=\"reconcile-runs\">"), page.body());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void bundledLoggingBindsQuietlyWhileTheJvmNamesTheHostsSlf4jProvider(Container container) throws Exception {
        // Failsafe sets -Dslf4j.provider for the test's own SLF4J, as a host JVM may for its own.
        assertEquals("org.slf4j.simple.SimpleServiceProvider", System.getProperty("slf4j.provider"));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(new TeeOutputStream(stderr, captured), true, StandardCharsets.UTF_8));
        try (Deployment shop = deploy(container, HostWebapp.sqliteConfig(root))) {
            String leadId = UUID.randomUUID().toString();
            assertRecorded(get(shop.baseUrl() + "/aurora/webhooks/lead_created?lead_id=" + leadId + "&source=api",
                    TOKEN_HEADER, TOKEN), sqliteUrl(), leadId);
        } finally {
            System.setErr(stderr);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertFalse(output.contains("SLF4J(E)") || output.contains("SLF4J(W)"), output);
    }

    /** Writes to the real stderr and keeps a copy. */
    private static final class TeeOutputStream extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        TeeOutputStream(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void deliveryWithoutOrWithAWrongTokenIsRejectedWith401AndNothingStored(Container container) throws Exception {
        try (Deployment shop = deploy(container, HostWebapp.sqliteConfig(root))) {
            String url = shop.baseUrl() + "/aurora/webhooks/lead_created?lead_id=" + UUID.randomUUID() + "&source=api";
            HttpResponse<String> none = get(url);
            assertEquals(401, none.statusCode(), none.body());
            assertEquals("unauthorized", json(none).get("error").asText());
            HttpResponse<String> wrong = get(url, TOKEN_HEADER, TOKEN + "x");
            assertEquals(401, wrong.statusCode(), wrong.body());
            assertEquals(List.of(), events(sqliteUrl()));
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void unknownEventIsRejectedWith404AndNothingStored(Container container) throws Exception {
        try (Deployment shop = deploy(container, HostWebapp.sqliteConfig(root))) {
            HttpResponse<String> response = get(shop.baseUrl() + "/aurora/webhooks/lead_exploded?lead_id="
                    + UUID.randomUUID(), TOKEN_HEADER, TOKEN);
            assertEquals(404, response.statusCode(), response.body());
            JsonNode body = json(response);
            assertEquals("unknown_event", body.get("error").asText());
            assertEquals("lead_exploded", body.get("event").asText());
            assertEquals(List.of(), events(sqliteUrl()));
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void hostPathsReachTheHostServletWhichKeepsItsOwnOlderJacksonAndJdbi(Container container) throws Exception {
        try (Deployment shop = deploy(container, HostWebapp.sqliteConfig(root))) {
            assertHostAnswered(get(shop.baseUrl() + "/catalog/panels?page=2"), "/shop/catalog/panels");
            // Only the exact prefix is Aurora's: a sibling path and the bare context stay the host's.
            assertHostAnswered(get(shop.baseUrl() + "/aurora/webhooksx/lead_created"), "/shop/aurora/webhooksx/lead_created");
            assertHostAnswered(get(shop.baseUrl() + "/"), "/shop/");

            String leadId = UUID.randomUUID().toString();
            assertRecorded(get(shop.baseUrl() + "/aurora/webhooks/lead_created?lead_id=" + leadId + "&source=api",
                    TOKEN_HEADER, TOKEN), sqliteUrl(), leadId);
            // Both Jacksons are loaded in the same webapp now; the host still gets its own.
            assertHostAnswered(get(shop.baseUrl() + "/checkout"), "/shop/checkout");
            assertEquals(1, events(sqliteUrl()).size());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void webhookPathSetByContextParamMovesTheEndpoint(Container container) throws Exception {
        Map<String, String> params = HostWebapp.sqliteConfig(root);
        params.put("aurora.webhooks.path", "/hooks/aurora");
        try (Deployment shop = deploy(container, params)) {
            String leadId = UUID.randomUUID().toString();
            assertRecorded(get(shop.baseUrl() + "/hooks/aurora/lead_created?lead_id=" + leadId + "&source=api",
                    TOKEN_HEADER, TOKEN), sqliteUrl(), leadId);
            // The default prefix is an ordinary host path now.
            assertHostAnswered(get(shop.baseUrl() + "/aurora/webhooks/lead_created?lead_id=" + UUID.randomUUID()
                    + "&source=api", TOKEN_HEADER, TOKEN), "/shop/aurora/webhooks/lead_created");
            assertEquals(1, events(sqliteUrl()).size());
        }
    }

    /**
     * The README's handler, written by the integrator and shipped in the webapp (not in the jar), registered only
     * by the webapp's {@code META-INF/services}: a signed agreement reaches it after the delivery's commit, on a
     * handler thread, and its row in the shop's own table is committed with the "done" mark; an agreement that is
     * only sent is handled (done) and writes nothing. On PostgreSQL, which the test may read while the webapp
     * writes (on SQLite the test and the webapp would run two copies of the SQLite library on one file).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theWebappsOwnHandlerFromItsServiceFileGetsADeliveryAndCommitsItsRowWithTheDoneMark(Container container)
            throws Exception {
        String url = TestDatabases.fresh(Kind.POSTGRESQL).get("aurora.db.url");
        try (Connection c = TestDatabases.inspect(url); Statement st = c.createStatement()) {
            // The host's own table, created by the host's own migrations before the webapp starts.
            st.execute("CREATE TABLE shop_onboarding (project_id VARCHAR(64) PRIMARY KEY, aurora_event_id BIGINT NOT NULL,"
                    + " thread VARCHAR(200) NOT NULL)");
        }
        Map<String, String> params = HostWebapp.sqliteConfig(root);
        params.put("aurora.db.url", url);
        HostWebapp webapp = HostWebapp.assemble(root, params, List.of(ShopOnboarding.class));
        try (Deployment shop = container.deploy(webapp, "/shop", root)) {
            String signedProject = UUID.randomUUID().toString();
            String sentProject = UUID.randomUUID().toString();
            long signed = accepted(get(shop.baseUrl() + "/aurora/webhooks/agreement_status_changed?project_id=" + signedProject
                    + "&agreement_id=" + UUID.randomUUID() + "&status=signed", TOKEN_HEADER, TOKEN));
            long sent = accepted(get(shop.baseUrl() + "/aurora/webhooks/agreement_status_changed?project_id=" + sentProject
                    + "&agreement_id=" + UUID.randomUUID() + "&status=sent", TOKEN_HEADER, TOKEN));

            await("both deliveries done", () -> rows(url, "SELECT event_id FROM aurora_handler_deliveries WHERE status = 'done'")
                    .size() == 2);
            assertEquals(List.of(List.of(String.valueOf(signed), ShopOnboarding.class.getName(), "done", "1"),
                            List.of(String.valueOf(sent), ShopOnboarding.class.getName(), "done", "1")),
                    rows(url, "SELECT event_id, handler, status, attempts FROM aurora_handler_deliveries ORDER BY event_id"));
            List<List<String>> onboarding = rows(url, "SELECT project_id, aurora_event_id, thread FROM shop_onboarding");
            assertEquals(1, onboarding.size(), onboarding.toString());
            assertEquals(List.of(signedProject, String.valueOf(signed)), onboarding.get(0).subList(0, 2));
            assertTrue(onboarding.get(0).get(2).startsWith("aurora-handler-"), "ran on " + onboarding.get(0).get(2));
            // The shop's own page counts what its handler did, from the webapp's side.
            assertEquals(2, json(get(shop.baseUrl() + "/")).get("handled").asInt());
        }
    }

    private static long accepted(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return json(response).get("id").asLong();
    }

    private static List<List<String>> rows(String jdbcUrl, String sql) {
        try (Connection c = TestDatabases.inspect(jdbcUrl); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Polls (up to 60 s) until the condition holds. */
    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void postgresqlDeliveryGoesThroughTheBundledDriverAndMigrations(Container container) throws Exception {
        serverDatabaseDeliveryGoesThroughTheBundledDriverAndMigrations(container, Kind.POSTGRESQL);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void mariadbDeliveryGoesThroughTheBundledDriverAndMigrations(Container container) throws Exception {
        serverDatabaseDeliveryGoesThroughTheBundledDriverAndMigrations(container, Kind.MARIADB);
    }

    private void serverDatabaseDeliveryGoesThroughTheBundledDriverAndMigrations(Container container, Kind kind)
            throws Exception {
        String url = TestDatabases.fresh(kind).get("aurora.db.url");
        Map<String, String> params = HostWebapp.sqliteConfig(root);
        params.put("aurora.db.url", url);
        try (Deployment shop = deploy(container, params)) {
            String leadId = UUID.randomUUID().toString();
            assertRecorded(get(shop.baseUrl() + "/aurora/webhooks/lead_created?lead_id=" + leadId + "&source=api",
                    TOKEN_HEADER, TOKEN), url, leadId);
            List<String> versions = new ArrayList<>();
            try (Connection c = TestDatabases.inspect(url);
                 PreparedStatement st = c.prepareStatement(
                         "SELECT version FROM aurora_schema_history WHERE success = " + (kind == Kind.MARIADB ? "1" : "true")
                                 + " ORDER BY installed_rank");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    versions.add(rs.getString(1));
                }
            }
            List<String> all = kind == Kind.POSTGRESQL ? List.of("1", "2", "3", "4", "5", "6")
                    : List.of("1", "2", "3", "4", "5");
            assertEquals(all, versions, "the " + kind + " migrations, found inside the jar");
        }
    }
}
