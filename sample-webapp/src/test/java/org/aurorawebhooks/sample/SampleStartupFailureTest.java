package org.aurorawebhooks.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar aurora-sample.jar} in a child JVM, as a user starts it: a failure the user can act on
 * is one line on stderr naming the thing and the key, a non-zero exit, and no stack trace.
 */
class SampleStartupFailureTest {
    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    /** What a child JVM running the sample printed and how it ended. */
    private record Child(int exitCode, String out, String err) {
    }

    @Test
    void busyPortIsOneLineNamingThePortAndTheKeyAndExit3(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            Child child = runSample(dir, "-Daurora.sample.port=" + port, "-Daurora.sample.demo=false");
            assertEquals(3, child.exitCode(), child.err());
            assertTrue(child.err().matches("aurora-sample: port " + port + " is already in use \\(aurora\\.sample\\.port from "
                    + "[^)\n]*system property[^)\n]*\\); start the sample on another port, e\\.g\\. -Daurora\\.sample\\.port=9090\n"),
                    child.err());
        }
    }

    @Test
    void badSampleSettingIsOneLineAndExit2(@TempDir Path dir) throws Exception {
        Child child = runSample(dir, "-Daurora.sample.port=eighty", "-Daurora.sample.demo=false");
        assertEquals(2, child.exitCode(), child.err());
        List<String> lines = child.err().lines().toList();
        assertEquals(1, lines.size(), child.err());
        assertTrue(lines.get(0).startsWith("aurora-sample: aurora.sample.port from "), child.err());
        assertTrue(lines.get(0).contains("\"eighty\" is not a port number"), child.err());
    }

    @Test
    void badLibrarySettingStopsTheStartWithOneLineAndExit2(@TempDir Path dir) throws Exception {
        Child child = runSample(dir, "-Daurora.sample.port=0", "-Daurora.sample.demo=false",
                "-Daurora.db.url=jdbc:nosuchdb://localhost/x");
        assertEquals(2, child.exitCode(), child.err());
        List<String> lines = child.err().lines().toList();
        assertEquals(1, lines.size(), child.err());
        assertTrue(lines.get(0).startsWith("aurora-sample: aurora.db.url from "), child.err());
        assertTrue(lines.get(0).contains("jdbc:nosuchdb://localhost/x"), child.err());
    }

    private static Child runSample(Path dir, String... properties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Daurora.db.url=jdbc:sqlite:" + dir.resolve("sample.db"));
        command.addAll(List.of(properties));
        command.add(SampleApp.class.getName());
        Process process = new ProcessBuilder(command).directory(dir.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the sample did not exit: it started although it should not have");
        }
        Child child = new Child(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        // A copy for the suite-wide secret scan, which reads the test-logs folder.
        Files.writeString(TestSecrets.logFile("SampleStartupFailureTest-" + RUNS.incrementAndGet() + ".log"),
                String.join(" ", command) + "\nexit " + child.exitCode() + "\n--- stdout\n" + child.out() + "--- stderr\n" + child.err(),
                StandardCharsets.UTF_8);
        return child;
    }
}
