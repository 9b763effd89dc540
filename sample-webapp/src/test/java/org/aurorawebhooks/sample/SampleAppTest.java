package org.aurorawebhooks.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.config.ConfigSource;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.testing.TeeOutputStream;
import org.aurorawebhooks.testing.TestSecrets;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start, on a real port: the curl records a lead_created and the demo syncs leads. */
class SampleAppTest {

    @Test
    void quickStartDeliveryIsRecordedAndTheDemoStreamSyncsLeads(@TempDir Path dir) throws Exception {
        String db = "jdbc:sqlite:" + dir.resolve("sample.db");
        Settings settings = Settings.load(List.of(ConfigSource.of("test", Map.of("aurora.db.url", db,
                "aurora.sample.port", "0"))), Map.of());
        try (SampleApp app = SampleApp.start(settings)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                    + "/aurora/webhooks/lead_created?lead_id=3fa85f64-5717-4562-b3fc-2c963f66afa6&source=api"))
                    .header(SampleApp.SAMPLE_HEADER, SampleApp.SAMPLE_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"event\":\"lead_created\""), r.body());

            Jdbi jdbi = Jdbi.create(db);
            long deadline = System.nanoTime() + 30_000_000_000L;
            long leads = 0;
            while (System.nanoTime() < deadline && leads == 0) {
                Thread.sleep(200);
                leads = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_leads").mapTo(Long.class).one());
            }
            assertTrue(leads > 0, "the demo stream's leads reach aurora_leads");

            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("3fa85f64-5717-4562-b3fc-2c963f66afa6"), "the host page lists the delivery");
        }
    }

    @Test
    void demoDeliveriesLandUnderTheConfiguredWebhooksPath(@TempDir Path dir) throws Exception {
        String db = "jdbc:sqlite:" + dir.resolve("sample.db");
        String before = System.getProperty("aurora.webhooks.path");
        System.setProperty("aurora.webhooks.path", "/hooks");
        try {
            Settings settings = Settings.load(List.of(ConfigSource.of("test", Map.of("aurora.db.url", db,
                    "aurora.sample.port", "0", "aurora.reconciler.cron", "off"))), Map.of());
            try (SampleApp app = SampleApp.start(settings)) {
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/hooks/lead_changed?lead_id=3fa85f64-5717-4562-b3fc-2c963f66afa6"))
                        .header(SampleApp.SAMPLE_HEADER, SampleApp.SAMPLE_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());

                Jdbi jdbi = Jdbi.create(db);
                long deadline = System.nanoTime() + 30_000_000_000L;
                long fromDemo = 0;
                while (System.nanoTime() < deadline && fromDemo == 0) {
                    Thread.sleep(200);
                    fromDemo = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_webhook_events "
                            + "WHERE event_type = 'lead_created'").mapTo(Long.class).one());
                }
                assertTrue(fromDemo > 0, "the demo's lead_created deliveries reach /hooks: " + app.aurora().recentFirings());
                for (var firing : app.aurora().recentFirings()) {
                    assertTrue(firing.url().startsWith("http://127.0.0.1:" + app.port() + "/hooks/"), firing.describe());
                }
            }
        } finally {
            if (before == null) {
                System.clearProperty("aurora.webhooks.path");
            } else {
                System.setProperty("aurora.webhooks.path", before);
            }
        }
    }

    /**
     * The sample's handler, registered only by its META-INF/services: a signed agreement and a lead event reach
     * it, an event it does not accept queues nothing, and the host page counts both deliveries done.
     */
    @Test
    void theSamplesOwnHandlerGetsTheEventsItAcceptsAndThePageCountsThem(@TempDir Path dir) throws Exception {
        String db = "jdbc:sqlite:" + dir.resolve("sample.db");
        Settings settings = Settings.load(List.of(ConfigSource.of("test", Map.of("aurora.db.url", db,
                "aurora.sample.port", "0", "aurora.sample.demo", "false", "aurora.reconciler.cron", "off"))), Map.of());
        try (SampleApp app = SampleApp.start(settings)) {
            HttpClient http = HttpClient.newHttpClient();
            for (String delivery : List.of(
                    "agreement_status_changed?project_id=P1&agreement_id=A1&status=signed",
                    "lead_created?lead_id=3fa85f64-5717-4562-b3fc-2c963f66afa6&source=api",
                    "project_created?project_id=P2")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/aurora/webhooks/" + delivery)).header(SampleApp.SAMPLE_HEADER, SampleApp.SAMPLE_TOKEN).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
            }
            // handler, done, waiting, retrying, dead
            String row = "<tr><td>" + SampleHandler.class.getName() + "</td><td>2</td><td>0</td><td>0</td><td>0</td></tr>";
            String page = "";
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline && !page.contains(row)) {
                Thread.sleep(100);
                page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            assertTrue(page.contains(row), page);
        }
    }

    /** Only a password the demo made for the run is printed; one the user configured never is. */
    @Test
    void aConfiguredConsolePasswordIsNeverPrinted(@TempDir Path dir) throws Exception {
        String db = "jdbc:sqlite:" + dir.resolve("sample.db");
        String password = TestSecrets.fresh("admin-password");
        Settings settings = Settings.load(List.of(ConfigSource.of("test", Map.of("aurora.db.url", db,
                "aurora.sample.port", "0", "aurora.sample.demo", "true", "aurora.reconciler.cron", "off",
                "aurora.admin.username", "ops", "aurora.admin.password", password))), Map.of());
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(new TeeOutputStream(stdout, printed), true, java.nio.charset.StandardCharsets.UTF_8));
        try (SampleApp app = SampleApp.start(settings)) {
            String text = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains("operator console: http://localhost:" + app.port() + "/aurora/webhooks/_dashboard"), text);
            assertTrue(text.contains("(aurora.admin.username and aurora.admin.password as configured)"), text);
            assertTrue(!text.contains(password), text);
            HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + app.port() + "/aurora/webhooks/_status")).header("Authorization", "Basic " + java.util.Base64.getEncoder()
                    .encodeToString(("ops:" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode(), "the configured credential reaches the filter: " + status.body());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void theHostPageEscapesWhatADeliveryCarries(@TempDir Path dir) throws Exception {
        String db = "jdbc:sqlite:" + dir.resolve("sample.db");
        Settings settings = Settings.load(List.of(ConfigSource.of("test", Map.of("aurora.db.url", db,
                "aurora.sample.port", "0", "aurora.sample.demo", "false"))), Map.of());
        try (SampleApp app = SampleApp.start(settings)) {
            HttpClient http = HttpClient.newHttpClient();
            String status = java.net.URLEncoder.encode("<script>alert('x')</script>", java.nio.charset.StandardCharsets.UTF_8);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                    + "/aurora/webhooks/project_status_changed?project_id=P1&status=" + status))
                    .header(SampleApp.SAMPLE_HEADER, SampleApp.SAMPLE_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());

            String page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(page.contains("<td>project_id=P1 status=&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td>"), page);
            assertTrue(!page.contains("<script>"), page);
        }
    }
}
