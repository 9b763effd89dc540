package org.aurorawebhooks.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * The README's run command, as a newcomer runs it: {@code java -jar aurora-sample.jar} in demo mode, as its
 * own process, on a free port and a database of its own. Issue 8's promise is checked as written: within
 * 90 seconds of the start the database holds deliveries of at least 20 event types, synced leads, handler
 * deliveries done and dead, and a reconcile run that repaired a lead whose webhook was dropped. The
 * database is read through a read-only connection, so the check cannot change what it checks. The
 * operator console's credential, generated for the run, is printed once (and masked in the logged
 * configuration) and opens the console.
 */
class SampleDemoIT {
    /** Issue 8: "within 90 seconds the database holds ...": the promise itself, not a performance threshold. */
    private static final long PROMISED_NANOS = TimeUnit.SECONDS.toNanos(90);
    private static final Pattern RUNNING = Pattern.compile("sample is running on http://localhost:(\\d+)/");
    private static final Pattern CREDENTIAL = Pattern.compile("user (\\S+) +password (\\S+)");

    /** What the demo's database holds at one moment. */
    private record Snapshot(int eventTypes, int leads, int handledDone, int dead, int repairingRuns) {
        boolean keepsThePromise() {
            return eventTypes >= 20 && leads > 0 && handledDone > 0 && dead > 0 && repairingRuns > 0;
        }
    }

    @Test
    void theDemoFillsTheDatabaseWithEveryKindOfOutcomeWithin90Seconds(@TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("aurora.sample.jar"));
        assertTrue(Files.isRegularFile(jar), "built by the package phase: " + jar);
        Path db = dir.resolve("demo.db");
        // In the test-logs folder, so that the suite-wide secret scan reads what the sample printed.
        Path out = TestSecrets.logFile("SampleDemoIT-stdout.log");
        Path err = TestSecrets.logFile("SampleDemoIT-stderr.log");
        String password = null;
        long start = System.nanoTime();
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Daurora.sample.port=0", "-Daurora.db.url=jdbc:sqlite:" + db, "-jar", jar.toAbsolutePath().toString()))
                .directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            process.getOutputStream().close();
            Snapshot last = null;
            while (System.nanoTime() - start < PROMISED_NANOS) {
                if (!process.isAlive()) {
                    fail("the sample exited with " + process.exitValue() + ": " + Files.readString(err));
                }
                if (Files.exists(db) && port(out) > 0) {
                    last = snapshot(db);
                    if (last.keepsThePromise()) {
                        break;
                    }
                }
                Thread.sleep(1000);
            }
            assertTrue(last != null && last.keepsThePromise(), "after 90 s: " + last + "\nstderr: " + Files.readString(err));
            assertTrue(Files.readString(err).isEmpty(), "nothing on stderr: " + Files.readString(err));

            // The console's credential, generated for the run, is shown once and opens the console.
            String stdout = Files.readString(out);
            Matcher credential = CREDENTIAL.matcher(stdout);
            assertTrue(credential.find(), stdout);
            String user = credential.group(1);
            password = credential.group(2);
            TestSecrets.record(password);
            assertEquals(1, stdout.split(Pattern.quote(password), -1).length - 1, "the password is printed once");
            assertTrue(stdout.contains("aurora.admin.password=****"), "the logged configuration masks it");
            String status = "http://127.0.0.1:" + port(out) + "/aurora/webhooks/_status";
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(status)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(status)).header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertFalse(answer.body().contains(password), answer.body());
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            if (password != null) {
                maskTheWelcome(out, password);
            }
        }
    }

    /**
     * The welcome is the one place the generated password is meant to be shown (README, Quick start): it is
     * masked there, in the log copy only, so that the secret scan finds any other appearance of it, e.g. in the
     * logged configuration or in a line logged after the test read the output.
     */
    private static void maskTheWelcome(Path out, String password) throws java.io.IOException {
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Matcher welcome = CREDENTIAL.matcher(text);
        if (welcome.find() && welcome.group(2).equals(password)) {
            Files.writeString(out, text.substring(0, welcome.start(2)) + "**** (masked by SampleDemoIT: shown here by design)"
                    + text.substring(welcome.end(2)), StandardCharsets.UTF_8);
        }
    }

    /** The port the sample says it listens on, or 0 before it says so. */
    private static int port(Path out) throws java.io.IOException {
        Matcher m = RUNNING.matcher(new String(Files.readAllBytes(out), StandardCharsets.UTF_8));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** The counts, or all zero while the tables are not created yet. */
    private static Snapshot snapshot(Path db) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5000);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties());
             Statement s = c.createStatement()) {
            return new Snapshot(
                    count(s, "SELECT COUNT(DISTINCT event_type) FROM aurora_webhook_events"),
                    count(s, "SELECT COUNT(*) FROM aurora_leads"),
                    count(s, "SELECT COUNT(*) FROM aurora_handler_deliveries WHERE status = 'done'"),
                    count(s, "SELECT COUNT(*) FROM aurora_handler_deliveries WHERE status = 'dead'"),
                    count(s, "SELECT COUNT(*) FROM aurora_reconcile_runs WHERE created_missed + changed_missed > 0"));
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no such table")) {
                return new Snapshot(0, 0, 0, 0, 0);
            }
            throw e;
        }
    }

    private static int count(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }
}
