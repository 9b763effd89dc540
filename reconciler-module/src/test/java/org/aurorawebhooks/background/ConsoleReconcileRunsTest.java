package org.aurorawebhooks.background;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reconcile runs reach the operator console through this module's extension (the table's owner lives
 * here), with or without an API token: what each run repaired on the page and in {@code _status}, and the
 * reconcile counters in {@code _metrics}.
 */
class ConsoleReconcileRunsTest {
    private static final String ADMIN_PASSWORD = TestSecrets.fresh("admin-password");
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString(("ops:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));

    @ParameterizedTest
    @EnumSource(Kind.class)
    void recordedRunsAndWhatTheyRepairedAreOnTheConsole(Kind kind) throws Exception {
        Map<String, String> config = new LinkedHashMap<>(TestDatabases.fresh(kind));
        config.put("aurora.webhooks.auth.header-name", "X-T");
        config.put("aurora.webhooks.auth.header-value", TestSecrets.fresh("webhook-token"));
        config.put("aurora.admin.username", "ops");
        config.put("aurora.admin.password", ADMIN_PASSWORD);
        try (FilterHarness app = FilterHarness.start(config)) {
            assertEquals(200, app.get("/aurora/webhooks/_status", "Authorization", AUTH).statusCode()); // migrated by now
            // Read-write on SQLite too: the webapp runs in this class loader, one SQLite library for both.
            try (Connection c = DriverManager.getConnection(config.get("aurora.db.url")); Statement st = c.createStatement()) {
                String t1 = kind == Kind.SQLITE ? "'2026-11-24T02:00:00.000Z'" : "'2026-11-24 02:00:00'";
                String t2 = kind == Kind.SQLITE ? "'2026-11-25T02:00:00.000Z'" : "'2026-11-25 02:00:00'";
                String no = kind == Kind.SQLITE ? "0" : "false";
                String yes = kind == Kind.SQLITE ? "1" : "true";
                st.executeUpdate("INSERT INTO aurora_reconcile_runs (started_at, ended_at, trigger_type, outcome, since_window, "
                        + "dry_run, checked, created_missed, changed_missed, unchanged, gone, failed, api_calls) VALUES "
                        + "(" + t1 + ", " + t1 + ", 'scheduled', 'completed', 'P2D', " + no + ", 40, 2, 3, 34, 1, 0, 41)");
                st.executeUpdate("INSERT INTO aurora_reconcile_runs (started_at, ended_at, trigger_type, outcome, since_window, "
                        + "dry_run, checked, created_missed, changed_missed, unchanged, gone, failed, api_calls) VALUES "
                        + "(" + t2 + ", " + t2 + ", 'cli', 'completed', 'P2D', " + yes + ", 10, 5, 5, 0, 0, 0, 11)");
            }
            JsonNode status = new ObjectMapper().readTree(app.get("/aurora/webhooks/_status", "Authorization", AUTH).body());
            JsonNode runs = status.path("reconcile_runs");
            assertTrue(runs.path("available").asBoolean());
            assertEquals(2, runs.path("recent").size());
            JsonNode scheduled = runs.path("recent").get(1);
            assertEquals("scheduled", scheduled.path("trigger").asText());
            assertEquals(2, scheduled.path("created_missed").asInt());
            assertEquals(3, scheduled.path("changed_missed").asInt());
            assertEquals(1, scheduled.path("gone").asInt());
            assertTrue(runs.path("recent").get(0).path("dry_run").asBoolean());

            String page = app.get("/aurora/webhooks/_dashboard", "Authorization", AUTH).body();
            assertTrue(page.contains("data-repaired=\"created_missed\">2<"), page);

            String metrics = app.get("/aurora/webhooks/_metrics", "Authorization", AUTH).body();
            assertEquals(2.0, metric(metrics, "aurora_webhooks_reconcile_runs_total{outcome=\"completed\"}"));
            // The dry run repaired nothing, whatever it found.
            assertEquals(2.0, metric(metrics, "aurora_webhooks_reconcile_repaired_total{kind=\"created_missed\"}"));
            assertEquals(3.0, metric(metrics, "aurora_webhooks_reconcile_repaired_total{kind=\"changed_missed\"}"));
            assertEquals(1.0, metric(metrics, "aurora_webhooks_reconcile_repaired_total{kind=\"gone\"}"));
        }
    }

    private static double metric(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
