package org.aurorawebhooks.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * A console request whose query string or form body the container cannot decode is the caller's fault: 400,
 * never a 500 with an error and a stack trace in the log. Found by HostileInputTest: Jetty throws from
 * {@code getParameter} on a bad {@code %} escape or invalid UTF-8, and the console answered 500.
 */
class ConsoleMalformedParametersTest {

    @Test
    void undecodableParametersOnTheDashboardAndTheRetryFormAreA400WithoutAnErrorLogged() throws Exception {
        String user = "console-admin"; // a user name: the logged configuration shows it
        String password = TestSecrets.fresh("console-admin-password");
        Map<String, String> config = new LinkedHashMap<>(TestDatabases.freshSqlite());
        config.put("aurora.webhooks.auth.header-name", "X-Aurora-Token");
        config.put("aurora.webhooks.auth.header-value", TestSecrets.fresh("console-webhook-token"));
        config.put("aurora.admin.username", user);
        config.put("aurora.admin.password", password);
        String admin = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        try (FilterHarness app = FilterHarness.start(config)) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            for (String target : new String[] {"/aurora/webhooks/_dashboard?fragment=%zz",
                "/aurora/webhooks/_dashboard?retried=%E0%A4", "/aurora/webhooks/_dashboard?%=1"}) {
                String answer = app.raw("GET", target, "Authorization", admin);
                assertTrue(answer.startsWith("HTTP/1.1 400 "), target + " -> " + answer);
                assertTrue(answer.contains("cannot be decoded"), "the body says what was wrong: " + answer);
            }
            String retry = app.raw("POST", "/aurora/webhooks/_dashboard/retry?csrf=%C0%AF", "Authorization", admin,
                    "Content-Length", "0");
            assertTrue(retry.startsWith("HTTP/1.1 400 "), retry);
            String page = app.raw("GET", "/aurora/webhooks/_dashboard?fragment=console", "Authorization", admin);
            assertTrue(page.startsWith("HTTP/1.1 200 "), "a decodable query still works: " + page);
        } finally {
            System.setErr(stderr);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains("ERROR") || log.contains("\tat "), "nothing logged as an error: " + log);
    }
}
