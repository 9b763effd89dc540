package org.aurorawebhooks.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.auth.RawAnswer.Kind;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * Rotating credentials as the README documents it. The configuration is read once, at start, so a change
 * takes effect when the webapp restarts; each step here is a restart of a real Jetty on the same database.
 * The header token accepts several comma-separated values, so Aurora's subscription can move from the old
 * token to the new one without a refused delivery; the basic password and the console's password have one
 * value each, and after a change the old one is refused. Rows come from admitted deliveries only.
 */
class CredentialRotationTest {
    private static final String HEADER = "X-Aurora-Token";

    private final Map<String, String> database = TestDatabases.freshSqlite();
    private int leads;
    private int stored;

    @Test
    void theHeaderTokenRotatesThroughTwoAcceptedValuesAndTheOldOneIsRefusedOnceRemoved() throws Exception {
        String oldToken = TestSecrets.fresh("webhook-token-old");
        String newToken = TestSecrets.fresh("webhook-token-new");
        try (FilterHarness app = start(Map.of("aurora.webhooks.auth.header-name", HEADER,
                "aurora.webhooks.auth.header-value", oldToken))) {
            assertDelivery(app, Kind.STORED, HEADER, oldToken);
            assertDelivery(app, Kind.WEBHOOK_REFUSED, HEADER, newToken);
        }
        // The rotation: both values, as the README's table says ("several comma-separated values are all
        // accepted"), spaces after the comma allowed.
        try (FilterHarness app = start(Map.of("aurora.webhooks.auth.header-name", HEADER,
                "aurora.webhooks.auth.header-value", oldToken + ", " + newToken))) {
            assertDelivery(app, Kind.STORED, HEADER, oldToken);
            assertDelivery(app, Kind.STORED, HEADER, newToken);
            assertDelivery(app, Kind.WEBHOOK_REFUSED, HEADER, oldToken + ", " + newToken);
            assertDelivery(app, Kind.WEBHOOK_REFUSED, HEADER, oldToken + "," + newToken);
        }
        try (FilterHarness app = start(Map.of("aurora.webhooks.auth.header-name", HEADER,
                "aurora.webhooks.auth.header-value", newToken))) {
            assertDelivery(app, Kind.WEBHOOK_REFUSED, HEADER, oldToken);
            assertDelivery(app, Kind.STORED, HEADER, newToken);
            assertEquals(stored, rows(app), "rows from admitted deliveries only, across the restarts");
        }
    }

    @Test
    void aChangedBasicPasswordAdmitsTheNewOneAndRefusesTheOld() throws Exception {
        String oldPassword = TestSecrets.fresh("webhook-password-old");
        String newPassword = TestSecrets.fresh("webhook-password-new");
        try (FilterHarness app = start(Map.of("aurora.webhooks.auth.basic-username", "aurora",
                "aurora.webhooks.auth.basic-password", oldPassword))) {
            assertDelivery(app, Kind.STORED, "Authorization", basic("aurora", oldPassword));
            assertDelivery(app, Kind.WEBHOOK_REFUSED, "Authorization", basic("aurora", newPassword));
        }
        try (FilterHarness app = start(Map.of("aurora.webhooks.auth.basic-username", "aurora",
                "aurora.webhooks.auth.basic-password", newPassword))) {
            assertDelivery(app, Kind.WEBHOOK_REFUSED, "Authorization", basic("aurora", oldPassword));
            assertDelivery(app, Kind.STORED, "Authorization", basic("aurora", newPassword));
            assertEquals(stored, rows(app), "rows from admitted deliveries only, across the restart");
        }
    }

    @Test
    void aChangedConsolePasswordOpensTheConsoleAndTheOldOneNoLonger() throws Exception {
        String token = TestSecrets.fresh("webhook-token");
        String oldPassword = TestSecrets.fresh("admin-password-old");
        String newPassword = TestSecrets.fresh("admin-password-new");
        Map<String, String> config = new HashMap<>(Map.of("aurora.webhooks.auth.header-name", HEADER,
                "aurora.webhooks.auth.header-value", token, "aurora.admin.username", "ops"));
        config.put("aurora.admin.password", oldPassword);
        try (FilterHarness app = start(config)) {
            assertConsole(app, Kind.CONSOLE_PAGE, oldPassword);
            assertConsole(app, Kind.CONSOLE_REFUSED, newPassword);
        }
        config.put("aurora.admin.password", newPassword);
        try (FilterHarness app = start(config)) {
            assertConsole(app, Kind.CONSOLE_REFUSED, oldPassword);
            assertConsole(app, Kind.CONSOLE_PAGE, newPassword);
            assertEquals(0, rows(app));
        }
    }

    private FilterHarness start(Map<String, String> credentials) throws Exception {
        Map<String, String> config = new HashMap<>(database);
        config.putAll(credentials);
        return FilterHarness.start(config);
    }

    private void assertDelivery(FilterHarness app, Kind expected, String... headers) throws Exception {
        leads++;
        RawAnswer answer = RawAnswer.parse(app.raw("GET", "/aurora/webhooks/lead_created?lead_id=L" + leads, headers));
        assertEquals(expected, answer.kind(), "delivery " + leads + ": " + answer.status() + " " + answer.body());
        assertEquals(expected == Kind.STORED ? 200 : 401, answer.status());
        if (expected == Kind.STORED) {
            stored++;
        }
        assertEquals(stored, rows(app), "after delivery " + leads);
    }

    private static void assertConsole(FilterHarness app, Kind expected, String password) throws Exception {
        for (String page : List.of("_status", "_dashboard", "_metrics")) {
            RawAnswer answer = RawAnswer.parse(app.raw("GET", "/aurora/webhooks/" + page, "Authorization", basic("ops", password)));
            assertEquals(expected, answer.kind(), page + ": " + answer.status());
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Attempt.base64(user + ":" + password);
    }

    private static long rows(FilterHarness app) {
        return app.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_webhook_events").mapTo(Long.class).one());
    }
}
