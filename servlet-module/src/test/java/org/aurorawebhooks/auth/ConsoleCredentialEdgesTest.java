package org.aurorawebhooks.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.auth.Attempt.Expect;
import org.aurorawebhooks.auth.RawAnswer.Kind;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * The operator console's credential in a real Jetty: each of its pages opens for the configured admin
 * credential in every form HTTP allows, and answers 401 with the console's challenge to wrong, empty,
 * truncated, prefixed, suffixed, case-changed, whitespace-padded-inside and malformed ones and to both
 * webhook credentials. Nothing it is sent is echoed, and nothing is stored.
 */
class ConsoleCredentialEdgesTest {
    private static final String HEADER = "X-Aurora-Token";
    private static final String ADMIN = "ops-admin";
    private static final List<String> PAGES = List.of("_status", "_dashboard", "_metrics");

    @Test
    void everyConsolePageOpensOnlyForTheConfiguredAdminCredential() throws Exception {
        String token = TestSecrets.fresh("webhook-token");
        String webhookPassword = TestSecrets.fresh("webhook-password");
        String adminPassword = TestSecrets.fresh("admin-password");
        Map<String, String> config = new HashMap<>(TestDatabases.freshSqlite());
        config.put("aurora.webhooks.auth.header-name", HEADER);
        config.put("aurora.webhooks.auth.header-value", token);
        config.put("aurora.webhooks.auth.basic-username", "aurora");
        config.put("aurora.webhooks.auth.basic-password", webhookPassword);
        config.put("aurora.admin.username", ADMIN);
        config.put("aurora.admin.password", adminPassword);
        List<Attempt> attempts = new ArrayList<>(Attempt.basic(ADMIN, adminPassword));
        attempts.add(Attempt.refused("other: the webhook header token", HEADER, token));
        attempts.add(Attempt.refused("other: the webhook basic credential", "Authorization",
                "Basic " + Attempt.base64("aurora:" + webhookPassword)));
        attempts.add(Attempt.refused("other: the webhook basic password with the admin user", "Authorization",
                "Basic " + Attempt.base64(ADMIN + ":" + webhookPassword)));
        attempts.add(Attempt.refused("other: the admin password as a bearer token", "Authorization", "Bearer " + adminPassword));
        try (FilterHarness app = FilterHarness.start(config)) {
            run(app, attempts, List.of(token, webhookPassword, adminPassword));
        }
    }

    @Test
    void aUnicodeAdminPasswordOpensTheConsoleInUtf8Only() throws Exception {
        String password = TestSecrets.fresh("admin-password") + "-\u00e4\u00f6\u20ac";
        TestSecrets.record(password);
        String token = TestSecrets.fresh("webhook-token");
        Map<String, String> config = new HashMap<>(TestDatabases.freshSqlite());
        config.put("aurora.webhooks.auth.header-name", HEADER);
        config.put("aurora.webhooks.auth.header-value", token);
        config.put("aurora.admin.username", "operator-\u00e4");
        config.put("aurora.admin.password", password);
        try (FilterHarness app = FilterHarness.start(config)) {
            run(app, Attempt.unicodeBasic("operator-\u00e4", password), List.of(password, token));
        }
    }

    private static void run(FilterHarness app, List<Attempt> attempts, List<String> secrets) throws Exception {
        List<String> table = new ArrayList<>();
        int admitted = 0;
        int requests = 0;
        for (Attempt attempt : attempts) {
            for (String page : PAGES) {
                requests++;
                RawAnswer answer = RawAnswer.parse(app.raw("GET", "/aurora/webhooks/" + page, attempt.headerArray()));
                String what = attempt.label() + " on " + page + " -> " + answer.status() + " " + answer.kind();
                for (String secret : secrets) {
                    assertFalse(answer.body().contains(secret) || answer.headers().contains(secret),
                            "the answer never echoes a secret: " + what);
                }
                if (attempt.expect() == Expect.ADMITTED) {
                    assertEquals(Kind.CONSOLE_PAGE, answer.kind(), what);
                    admitted++;
                } else if (answer.kind() == Kind.CONTAINER && attempt.expect() == Expect.REFUSED_OR_BAD_REQUEST) {
                    assertEquals(400, answer.status(), what + ": " + answer.body());
                } else {
                    assertEquals(Kind.CONSOLE_REFUSED, answer.kind(), what + ": " + answer.body());
                    assertEquals(401, answer.status(), what);
                    assertTrue(answer.header("WWW-Authenticate").startsWith("Basic realm=\"aurora-webhooks console\""), what);
                }
                if (page.equals(PAGES.get(0))) {
                    table.add(String.format("  %-80s %d %s", attempt.label(), answer.status(), answer.kind()));
                }
            }
        }
        long rows = app.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_webhook_events").mapTo(Long.class).one());
        assertEquals(0, rows, "the console stores nothing");
        assertTrue(admitted > 0 && admitted < requests, "both admitted and refused attempts were made");
        System.out.println("Console credential attempts: " + attempts.size() + " on " + PAGES + ", " + requests
                + " requests, " + admitted + " served\n" + String.join("\n", table));
    }
}
