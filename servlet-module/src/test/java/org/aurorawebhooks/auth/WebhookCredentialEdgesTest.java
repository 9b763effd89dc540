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
 * The webhook credential in a real Jetty, both of Aurora's schemes configured at once (header token and HTTP
 * basic, either admits): every form HTTP allows for the configured credential is admitted and stored; wrong,
 * empty, truncated, prefixed, suffixed, case-changed, whitespace-padded-inside and malformed ones, the other
 * scheme's secret and the console's credential are refused with the generic 401, and none of them leaves a
 * row. Sent raw, so no client library tidies a header up first.
 */
class WebhookCredentialEdgesTest {
    private static final String HEADER = "X-Aurora-Token";
    private static final String USER = "aurora-hooks";

    @Test
    void onlyTheConfiguredHeaderTokenOrBasicCredentialIsAdmittedAndOnlyAdmittedRequestsAreStored() throws Exception {
        String token = TestSecrets.fresh("webhook-token");
        String password = TestSecrets.fresh("webhook-password");
        String adminPassword = TestSecrets.fresh("admin-password");
        Map<String, String> config = new HashMap<>(TestDatabases.freshSqlite());
        config.put("aurora.webhooks.auth.header-name", HEADER);
        config.put("aurora.webhooks.auth.header-value", token);
        config.put("aurora.webhooks.auth.basic-username", USER);
        config.put("aurora.webhooks.auth.basic-password", password);
        config.put("aurora.admin.username", "ops");
        config.put("aurora.admin.password", adminPassword);
        List<Attempt> attempts = new ArrayList<>(Attempt.header(HEADER, token));
        attempts.addAll(Attempt.basic(USER, password));
        attempts.add(Attempt.refused("other: the console's credential", "Authorization",
                "Basic " + Attempt.base64("ops:" + adminPassword)));
        attempts.add(Attempt.refused("other: the basic password as the header token", HEADER, password));
        attempts.add(Attempt.refused("other: the header token as the basic password", "Authorization",
                "Basic " + Attempt.base64(USER + ":" + token)));
        attempts.add(Attempt.refused("other: the admin password as the header token", HEADER, adminPassword));
        try (FilterHarness app = FilterHarness.start(config)) {
            run(app, attempts, List.of(token, password, adminPassword));
        }
    }

    @Test
    void aUnicodeBasicPasswordIsAdmittedInUtf8Only() throws Exception {
        String password = TestSecrets.fresh("webhook-password") + "-\u00e4\u00f6\u20ac";
        TestSecrets.record(password);
        Map<String, String> config = new HashMap<>(TestDatabases.freshSqlite());
        config.put("aurora.webhooks.auth.basic-username", "aurora-\u00fcser");
        config.put("aurora.webhooks.auth.basic-password", password);
        try (FilterHarness app = FilterHarness.start(config)) {
            run(app, Attempt.unicodeBasic("aurora-\u00fcser", password), List.of(password));
        }
    }

    private static void run(FilterHarness app, List<Attempt> attempts, List<String> secrets) throws Exception {
        List<String> table = new ArrayList<>();
        int admitted = 0;
        int lead = 0;
        for (Attempt attempt : attempts) {
            lead++;
            String leadId = "L" + lead;
            RawAnswer answer = RawAnswer.parse(app.raw("GET", "/aurora/webhooks/lead_created?lead_id=" + leadId,
                    attempt.headerArray()));
            String what = attempt.label() + " -> " + answer.status() + " " + answer.kind();
            for (String secret : secrets) {
                assertFalse(answer.body().contains(secret) || answer.headers().contains(secret),
                        "the answer never echoes a secret: " + attempt.label());
            }
            if (attempt.expect() == Expect.ADMITTED) {
                assertEquals(Kind.STORED, answer.kind(), what + ": " + answer.body());
                admitted++;
                long id = Long.parseLong(answer.body().replaceAll("^\\{\"id\":(\\d+),.*$", "$1"));
                String stored = app.jdbi().withHandle(h -> h.createQuery("SELECT lead_id FROM aurora_webhook_events WHERE id = :id")
                        .bind("id", id).mapTo(String.class).one());
                assertEquals(leadId, stored, what);
            } else if (answer.kind() == Kind.CONTAINER && attempt.expect() == Expect.REFUSED_OR_BAD_REQUEST) {
                assertEquals(400, answer.status(), what + ": " + answer.body());
            } else {
                assertEquals(Kind.WEBHOOK_REFUSED, answer.kind(), what + ": " + answer.body());
                assertEquals(401, answer.status(), what);
                assertTrue(answer.body().contains("\"message\":\"missing or wrong credential\""), what + ": " + answer.body());
            }
            table.add(String.format("  %-80s %d %s", attempt.label(), answer.status(), answer.kind()));
        }
        int expected = admitted;
        long rows = app.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_webhook_events").mapTo(Long.class).one());
        assertEquals(expected, rows, "one row per admitted request, none for a refused one");
        assertTrue(admitted > 0 && admitted < attempts.size(), "both admitted and refused attempts were made");
        System.out.println("Webhook credential attempts: " + attempts.size() + ", admitted " + admitted + ", rows " + rows
                + "\n" + String.join("\n", table));
    }
}
