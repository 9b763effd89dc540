package org.aurorawebhooks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/** What the commands say about themselves (--help) and about a bad option value, before any work. */
class CliUsageTest {

    /** Enough to pass the API and credential checks; nothing listens on port 1, and no test here gets that far. */
    private static final Map<String, String> API = Map.of("aurora.api.base-url", "http://127.0.0.1:1",
            "aurora.api.tenant-id", "t1", "aurora.api.token", TestSecrets.fresh("api-token"),
            "aurora.webhooks.auth.header-name", "X-Aurora-Token", "aurora.webhooks.auth.header-value", TestSecrets.fresh("webhook-token"));

    @Test
    void mistypedEventIsOneLineWithTheClosestEventAndExit2() throws Exception {
        CliRun run = CliRun.run(API, "subscribe", "--url", "https://crm.example.com/app", "--events", "lead_creatd,design_created");
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertEquals("aurora-reconciler: --events: \"lead_creatd\" is not an Aurora event; did you mean lead_created?\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void eventFarFromEveryNameIsOneLineWithoutAGuess() throws Exception {
        CliRun run = CliRun.run(API, "subscribe", "--url", "https://crm.example.com/app", "--events", "everything");
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertEquals("aurora-reconciler: --events: \"everything\" is not an Aurora event; expected one of the 26 event "
                + "names, e.g. lead_created\n", run.err());
    }

    @Test
    void statusRunsMustBeAPositiveIntegerElseExit2NamingTheOption() {
        for (String runs : new String[] {"0", "-1"}) {
            CliRun run = CliRun.runRaw("status", "--runs", runs);
            assertEquals(2, run.exitCode(), runs + ": " + run.out() + run.err());
            assertEquals("aurora-reconciler: --runs: " + runs + " is not a positive integer; expected how many runs "
                    + "to show, e.g. 10\n", run.err());
            assertEquals("", run.out(), "no database line: nothing is opened");
        }
    }

    @Test
    void helpTextsSayWhatTheCommandsDo() {
        assertTrue(help("schedule", "--help").contains("clustered on PostgreSQL and MariaDB/MySQL"), help("schedule", "--help"));
        assertTrue(help("--help").contains("another run holds the lock, a database to read that is not there"), help("--help"));
        String subscriptions = help("subscriptions", "--help");
        assertTrue(subscriptions.contains("header NAME (the value is never shown), basic (in the URL) or none"), subscriptions);
        String simulate = help("simulate", "--help");
        assertTrue(simulate.contains("(default 42: with the same seed, the default included, every run generates the "
                + "same values and drops the same firings)"), simulate);
        String unsubscribe = help("unsubscribe", "--help");
        assertTrue(unsubscribe.contains("subscriptions under a longer or shorter base URL"), unsubscribe);
    }

    /** The help text with its line wrapping undone. */
    private static String help(String... args) {
        CliRun run = CliRun.runRaw(args);
        assertEquals(0, run.exitCode(), run.err());
        return run.out().replaceAll("\\s+", " ");
    }
}
