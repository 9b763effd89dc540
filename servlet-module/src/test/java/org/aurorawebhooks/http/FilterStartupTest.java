package org.aurorawebhooks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TeeOutputStream;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;
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
    void badValueIsLoggedAsOneLineNamingTheKeyWithoutAStackTrace() {
        Map<String, String> config = new HashMap<>(TestDatabases.freshSqlite());
        config.put("aurora.webhooks.auth.disabled", "true");
        config.put("aurora.api.requests-per-minute", "ninety");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(new TeeOutputStream(stderr, captured), true, StandardCharsets.UTF_8)); // slf4j-simple writes here
        try {
            startFailure(config);
        } finally {
            System.setErr(stderr);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        String expected = "ERROR org.aurorawebhooks.AuroraWebhookFilter - aurora-webhooks cannot start: "
                + "aurora.api.requests-per-minute from filter init-param: \"ninety\" is not a positive integer";
        List<Integer> ours = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("ERROR org.aurorawebhooks.AuroraWebhookFilter")) {
                ours.add(i);
            }
        }
        assertEquals(1, ours.size(), String.join("\n", lines));
        String line = lines.get(ours.get(0));
        assertTrue(line.endsWith(expected), line);
        String next = ours.get(0) + 1 < lines.size() ? lines.get(ours.get(0) + 1) : "";
        assertFalse(next.startsWith("\tat ") || next.startsWith(ConfigException.class.getName()),
                "our line carries no stack trace (the container prints its own): " + next);
    }

    @Test
    void secretIsNeverEchoedInAStartUpError() {
        Map<String, String> config = new HashMap<>(TestDatabases.freshSqlite());
        String secret = TestSecrets.fresh("webhook-token");
        config.put("aurora.webhooks.auth.header-value", secret);
        Throwable failure = startFailure(config);
        assertTrue(failure.getMessage().contains("aurora.webhooks.auth.header-name"), failure.getMessage());
        assertFalse(failure.getMessage().contains(secret));
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
        String password = TestSecrets.fresh("db-password");
        config.put("aurora.db.url", "jdbc:h2:mem:x;password=" + password);
        Throwable failure = startFailure(config);
        assertTrue(failure.getMessage().contains("aurora.db.url from filter init-param"), failure.getMessage());
        assertFalse(failure.getMessage().contains(password), "a password in the URL is masked");
    }
}
