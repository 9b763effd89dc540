package org.aurorawebhooks.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A webapp killed with SIGKILL in the middle of a handler call: after a restart the delivery is made again,
 * counted as the next attempt, and ends done. The webapp is a child JVM ({@link CrashChild}); nothing of its
 * state survives but the database.
 */
class HandlerCrashTest {
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aDeliveryInterruptedByKill9IsMadeAgainAfterTheRestart(Kind kind) throws Exception {
        Map<String, String> db = TestDatabases.fresh(kind);
        String token = TestSecrets.fresh("webhook-token");
        Path journal = Files.createTempFile("aurora-crash-", ".journal");
        Process first = start(db, token, journal, true);
        try {
            int port = port(first, "HandlerCrashTest-" + kind + "-first.log");
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + port + "/app/aurora/webhooks/lead_created?lead_id=crash-lead&source=api"))
                    .header("X-Aurora-Token", token).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            awaitLine(journal, "start 1 1");
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no filter destroy
            first.waitFor(30, TimeUnit.SECONDS);
        }
        Process second = start(db, token, journal, false);
        try {
            port(second, "HandlerCrashTest-" + kind + "-second.log");
            // The dead node's claim expires (timeout + grace), then the new node makes the call again.
            awaitLine(journal, "done 1 2");
            assertEquals(List.of("start 1 1", "start 1 2", "done 1 2"), lines(journal),
                    "one interrupted call, one repeated call that finished");
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Process start(Map<String, String> db, String token, Path journal, boolean hang) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        db.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-Daurora.webhooks.auth.header-name=X-Aurora-Token");
        command.add("-Daurora.webhooks.auth.header-value=" + token);
        command.add("-Daurora.handlers.timeout=PT2S");
        command.add("-Daurora.handlers.retry-schedule=PT1S");
        command.add(CrashChild.class.getName());
        command.add(journal.toString());
        if (hang) {
            command.add("hang");
        }
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /**
     * Reads the child's output until it prints its port; the rest of its output is drained in the background.
     * Every line is also written to {@code TestSecrets.logFile(logName)}, for the suite-wide secret scan.
     */
    private static int port(Process child, String logName) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter log = new PrintWriter(Files.newBufferedWriter(TestSecrets.logFile(logName), StandardCharsets.UTF_8), true);
        List<String> seen = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null) {
            log.println(line);
            if (line.startsWith("port=")) {
                Thread drain = new Thread(() -> {
                    try (log) {
                        String more;
                        while ((more = out.readLine()) != null) {
                            log.println(more);
                        }
                    } catch (IOException ignored) {
                        // the child died
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(line.substring("port=".length()).trim());
            }
            seen.add(line);
        }
        log.close();
        fail("the child exited without listening:\n" + String.join("\n", seen));
        return -1;
    }

    private static List<String> lines(Path journal) throws IOException {
        return Files.readAllLines(journal, StandardCharsets.UTF_8);
    }

    private static void awaitLine(Path journal, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (lines(journal).contains(line)) {
                return;
            }
            Thread.sleep(50);
        }
        assertTrue(lines(journal).contains(line), "no \"" + line + "\" in the journal within 60 s: " + lines(journal));
    }
}
