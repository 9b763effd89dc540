package org.aurorawebhooks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletException;
import java.util.HashMap;
import java.util.Map;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/** Start-up is refused for an unsafe or broken configuration, with a message naming the key. */
class FilterStartupTest {

    private static Throwable startFailure(Map<String, String> config) {
        Exception e = assertThrows(Exception.class, () -> FilterHarness.start(config).close());
        Throwable t = e;
        while (t != null && !(t instanceof ServletException)) {
            t = t.getCause();
        }
        return t == null ? e : t;
    }

    @Test
    void filterRefusesToStartWithoutACredential() {
        Throwable failure = startFailure(TestDatabases.freshSqlite());
        assertTrue(failure.getMessage().contains("no webhook credential is configured"), failure.getMessage());
        assertTrue(failure.getMessage().contains("aurora.webhooks.auth.disabled=true"), failure.getMessage());
    }

    @Test
    void filterRunsOpenOnlyWhenExplicitlyToldTo() throws Exception {
        Map<String, String> config = new HashMap<>(TestDatabases.freshSqlite());
        config.put("aurora.webhooks.auth.disabled", "true");
        try (FilterHarness app = FilterHarness.start(config)) {
            assertEquals(200, app.get("/aurora/webhooks/lead_created?lead_id=L1").statusCode());
        }
    }

    @Test
    void badValueStopsStartUpNamingKeySourceAndExpectation() {
        Map<String, String> config = new HashMap<>(TestDatabases.freshSqlite());
        config.put("aurora.webhooks.auth.disabled", "true");
        config.put("aurora.api.requests-per-minute", "ninety");
        Throwable failure = startFailure(config);
        assertTrue(failure.getMessage().contains(
                "aurora.api.requests-per-minute from filter init-param: \"ninety\" is not a positive integer"), failure.getMessage());
    }

    @Test
    void secretIsNeverEchoedInAStartUpError() {
        Map<String, String> config = new HashMap<>(TestDatabases.freshSqlite());
        config.put("aurora.webhooks.auth.header-value", "super-secret-value");
        Throwable failure = startFailure(config);
        assertTrue(failure.getMessage().contains("aurora.webhooks.auth.header-name"), failure.getMessage());
        assertFalse(failure.getMessage().contains("super-secret-value"));
    }

    @Test
    void routeToAnUnknownEventStopsStartUp() {
        Map<String, String> config = new HashMap<>(TestDatabases.freshSqlite());
        config.put("aurora.webhooks.auth.disabled", "true");
        config.put("aurora.webhooks.route./hooks/lead", "lead_creatd");
        Throwable failure = startFailure(config);
        assertTrue(failure.getMessage().contains("aurora.webhooks.route./hooks/lead: \"lead_creatd\" is not an Aurora event"),
                failure.getMessage());
    }

    @Test
    void unsupportedDatabaseStopsStartUpNamingTheKey() {
        Map<String, String> config = new HashMap<>();
        config.put("aurora.webhooks.auth.disabled", "true");
        config.put("aurora.db.url", "jdbc:h2:mem:x;password=hunter2");
        Throwable failure = startFailure(config);
        assertTrue(failure.getMessage().contains("aurora.db.url from filter init-param"), failure.getMessage());
        assertFalse(failure.getMessage().contains("hunter2"), "a password in the URL is masked");
    }
}
