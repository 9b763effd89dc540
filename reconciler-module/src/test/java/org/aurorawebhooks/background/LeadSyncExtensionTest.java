package org.aurorawebhooks.background;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.servlet.ServletException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extension inside a real webapp (Jetty, the filter): what its settings do to start-up. */
class LeadSyncExtensionTest {

    @Test
    void aBadCronStopsStartUpBeforeTheFilterCreatesOrMigratesTheDatabase(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("events.db");
        Map<String, String> base = Map.of("aurora.db.url", "jdbc:sqlite:" + db, "aurora.webhooks.auth.disabled", "true",
                "aurora.reconciler.cron", "bad");
        Map<String, String> withApi = new java.util.HashMap<>(base);
        withApi.put("aurora.api.tenant-id", "t1");
        withApi.put("aurora.api.token", TestSecrets.fresh("api-token"));
        // Without an API token the schedule would never start, but the typo is reported all the same.
        for (Map<String, String> config : List.of(withApi, base)) {
            ServletException e = assertThrows(ServletException.class, () -> FilterHarness.start(config).close(),
                    "the webapp started with aurora.reconciler.cron=bad: " + config);
            assertEquals("aurora-webhooks cannot start: aurora.reconciler.cron from filter init-param: \"bad\" is not a "
                    + "Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. 0 0 2 * * ?), "
                    + "nor off", e.getMessage());
            try (var files = Files.list(dir)) {
                assertEquals(List.of(), files.toList(), "nothing created: " + config);
            }
        }
    }
}
