package org.aurorawebhooks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/** {@code trigger} against the filter in a real Jetty on loopback, recording into a real SQLite file. */
class TriggerCommandTest {
    private static final String HEADER = "X-Aurora-Token";
    private static final String TOKEN = TestSecrets.fresh("webhook-token");
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    private static final Pattern SENT = Pattern.compile("(?m)^GET (\\S+)$");
    private static final Pattern STORED_ID = Pattern.compile("\\{\"id\":(\\d+),");

    private static Map<String, String> headerConfig() {
        Map<String, String> config = new HashMap<>(TestDatabases.fresh(TestDatabases.Kind.SQLITE));
        config.put("aurora.webhooks.auth.header-name", HEADER);
        config.put("aurora.webhooks.auth.header-value", TOKEN);
        return config;
    }

    /** The query parameters of the URL trigger printed it sent. */
    private static Map<String, String> sentValues(String out) {
        Matcher m = SENT.matcher(out);
        assertTrue(m.find(), out);
        String url = m.group(1);
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static Map<String, Object> row(FilterHarness app, String out) {
        Matcher m = STORED_ID.matcher(out);
        assertTrue(m.find(), "the filter's answer names the stored row: " + out);
        long id = Long.parseLong(m.group(1));
        return app.jdbi().withHandle(h -> h.createQuery("SELECT * FROM aurora_webhook_events WHERE id = :id")
                .bind("id", id).mapToMap().one());
    }

    private static long rowCount(FilterHarness app) {
        return app.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_webhook_events").mapTo(Long.class).one());
    }

    @Test
    void eachOfThe26EventsGets200AndIsRecordedWithTheGeneratedValues() throws Exception {
        Map<String, String> config = headerConfig();
        try (FilterHarness app = FilterHarness.start(config)) {
            for (EventType event : EventCatalog.aurora().events()) {
                CliRun run = CliRun.run(config, "trigger", event.name(), "--url", app.baseUrl());
                assertEquals(0, run.exitCode(), event.name() + "\n" + run.out() + run.err());
                assertTrue(run.out().contains("GET " + app.baseUrl() + "/aurora/webhooks/" + event.name() + "?"), run.out());
                assertTrue(run.out().contains("  " + HEADER + ": ****"), run.out());
                assertTrue(run.out().contains("HTTP 200 in "), run.out());
                assertFalse(run.out().contains(TOKEN) || run.err().contains(TOKEN), "the token is never printed");

                Map<String, String> sent = sentValues(run.out());
                List<String> expectedParameters = event.attributes().stream().map(Attribute::parameter).toList();
                assertEquals(expectedParameters, List.copyOf(sent.keySet()), event.name() + ": the suggested template's attributes");
                Map<String, Object> row = row(app, run.out());
                assertEquals(event.name(), row.get("event_type"));
                assertNull(row.get("undocumented_values"), event.name() + " sends documented values only");
                assertNull(row.get("repeat_of"), event.name());
                for (Attribute attribute : Attribute.values()) {
                    Object stored = row.get(attribute.parameter());
                    if (!event.has(attribute)) {
                        assertNull(stored, event.name() + " " + attribute.parameter());
                        continue;
                    }
                    assertEquals(sent.get(attribute.parameter()), stored, event.name() + " " + attribute.parameter());
                    if (attribute.kind() == Attribute.Kind.ID) {
                        assertTrue(((String) stored).matches(UUID_PATTERN), event.name() + ": " + stored + " is a UUID");
                    } else if (!event.documentedValues(attribute).isEmpty()) {
                        for (String v : ((String) stored).split(",")) {
                            assertTrue(event.documentedValues(attribute).contains(v), event.name() + ": " + v + " is documented");
                        }
                    }
                }
            }
            assertEquals(26, rowCount(app));
        }
    }

    @Test
    void overridesReplaceTheGeneratedValues() throws Exception {
        Map<String, String> config = headerConfig();
        try (FilterHarness app = FilterHarness.start(config)) {
            CliRun run = CliRun.run(config, "trigger", "lead_created", "--url", app.baseUrl(), "lead_id=lead-42",
                    "source=lcai");
            assertEquals(0, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("/aurora/webhooks/lead_created?lead_id=lead-42&source=lcai"), run.out());
            Map<String, Object> row = row(app, run.out());
            assertEquals("lead-42", row.get("lead_id"));
            assertEquals("lcai", row.get("source"));
            assertNull(row.get("undocumented_values"));

            // An undocumented value is sent as given: the filter records it and flags it.
            run = CliRun.run(config, "trigger", "lead_created", "--url", app.baseUrl(), "source=web form");
            assertEquals(0, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("&source=web+form"), run.out());
            row = row(app, run.out());
            assertEquals("web form", row.get("source"));
            assertEquals("source", row.get("undocumented_values"));
        }
    }

    @Test
    void anUnknownAttributeIsAUsageErrorWithDidYouMeanAndNothingIsSent() throws Exception {
        Map<String, String> config = headerConfig();
        try (FilterHarness app = FilterHarness.start(config)) {
            CliRun run = CliRun.run(config, "trigger", "lead_created", "--url", app.baseUrl(), "lead=abc");
            assertEquals(2, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains("event lead_created has no attribute lead (did you mean lead_id?); its attributes "
                    + "are [lead_id, source]"), run.err());
            assertFalse(run.out().contains("GET "), run.out());
            assertEquals(0, rowCount(app));

            run = CliRun.run(config, "trigger", "lead_created", "--url", app.baseUrl(), "lead_id");
            assertEquals(2, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains("\"lead_id\" is not name=value"), run.err());
        }
    }

    @Test
    void anUnknownEventIsAUsageErrorWithDidYouMeanAndThePointerToTheList() throws Exception {
        CliRun run = CliRun.run(headerConfig(), "trigger", "lead_craeted", "--url", "http://127.0.0.1:9/app");
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertEquals("aurora-reconciler: \"lead_craeted\" is not an Aurora event; did you mean lead_created? "
                + "(list the 26 with: aurora-reconciler trigger --list)", run.err().strip());

        run = CliRun.run(headerConfig(), "trigger", "--url", "http://127.0.0.1:9/app");
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("EVENT is required") && run.err().contains("trigger --list"), run.err());
        run = CliRun.run(headerConfig(), "trigger", "lead_created");
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("--url BASE_URL is required"), run.err());

        CliRun list = CliRun.run(Map.of(), "trigger", "--list");
        assertEquals(0, list.exitCode(), list.err());
        assertEquals(26, list.out().strip().split("\n").length, list.out());
        assertTrue(list.out().contains("lead_created"), list.out());
    }

    @Test
    void aWrongCredentialExitsWith1AndShowsThe401() throws Exception {
        Map<String, String> config = headerConfig();
        try (FilterHarness app = FilterHarness.start(config)) {
            Map<String, String> wrong = new HashMap<>(config);
            String wrongToken = TestSecrets.fresh("webhook-token-wrong"); // configured, so a secret all the same
            wrong.put("aurora.webhooks.auth.header-value", wrongToken);
            CliRun run = CliRun.run(wrong, "trigger", "design_request_completed", "--url", app.baseUrl());
            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("HTTP 401 in "), run.out());
            assertTrue(run.out().contains("unauthorized"), "the answer's body is shown: " + run.out());
            assertFalse(run.out().contains(wrongToken), run.out());
            assertEquals(0, rowCount(app));
        }
    }

    @Test
    void basicAuthIsSentAsASubscriptionWithUserInfoWouldSendIt() throws Exception {
        Map<String, String> config = new HashMap<>(TestDatabases.fresh(TestDatabases.Kind.SQLITE));
        config.put("aurora.webhooks.auth.basic-username", "aurora");
        String password = TestSecrets.fresh("webhook-password");
        config.put("aurora.webhooks.auth.basic-password", password);
        try (FilterHarness app = FilterHarness.start(config)) {
            CliRun run = CliRun.run(config, "trigger", "lead_converted", "--url", app.baseUrl());
            assertEquals(0, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("credential: basic auth as aurora"), run.out());
            assertTrue(run.out().contains("  Authorization: Basic ****"), run.out());
            assertTrue(run.out().contains("GET " + app.baseUrl() + "/aurora/webhooks/lead_converted?"), run.out());
            assertFalse(run.out().contains(password), run.out());
            assertEquals(1, rowCount(app));
        }
    }

    @Test
    void withoutACredentialNoneIsSentAndTheOutputSaysSo() throws Exception {
        Map<String, String> config = new HashMap<>(TestDatabases.fresh(TestDatabases.Kind.SQLITE));
        config.put("aurora.webhooks.auth.disabled", "true");
        config.put("aurora.webhooks.path", "/hooks/aurora");
        try (FilterHarness app = FilterHarness.start(config)) {
            CliRun run = CliRun.run(config, "trigger", "agreement_status_changed", "--url", app.baseUrl() + "/");
            assertEquals(0, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("credential: none"), run.out());
            assertTrue(run.out().contains("GET " + app.baseUrl() + "/hooks/aurora/agreement_status_changed?"), run.out());
            assertEquals("agreement_status_changed", row(app, run.out()).get("event_type"));
        }
    }

    @Test
    void anUnreachableUrlExitsWith3NamingIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun run = CliRun.run(headerConfig(), "trigger", "lead_created", "--url", "http://127.0.0.1:" + port + "/app");
        assertEquals(3, run.exitCode(), run.out() + run.err());
        List<String> lines = run.err().strip().lines().toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.get(0).startsWith("aurora-reconciler: could not deliver to http://127.0.0.1:" + port
                + "/app/aurora/webhooks/lead_created?lead_id="), run.err());
    }
}
