package org.aurorawebhooks.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.testing.TestSecrets;

/**
 * The sample app ({@code aurora-sample.jar}) as its own JVM, the way an operator runs it, for the runs that
 * kill and restart it: started with {@code aurora.*} system properties and environment variables of the
 * test's choosing (secrets go in the environment, never on the command line), on a fixed port that every
 * restart reuses, so that clients keep the same URL across a crash. Each start writes stdout and stderr to
 * its own file under {@link TestSecrets#logFile}, where the suite's secret scan reads them. Not thread-safe:
 * one test thread drives it.
 */
final class SampleProcess implements AutoCloseable {
    /** What the sample prints once Jetty listens and the filter is up (see {@code SampleApp.printWelcome}). */
    private static final String RUNNING = "aurora-webhooks sample is running on http://localhost:";
    /** A start on a loaded two-core machine takes seconds; minutes mean it is stuck. */
    private static final Duration START_DEADLINE = Duration.ofMinutes(3);
    private static final Duration STOP_DEADLINE = Duration.ofMinutes(1);
    /** How {@link Process#exitValue} reports a JVM ended by SIGKILL on Linux: 128 + 9. */
    static final int SIGKILL_EXIT = 137;

    private final String name;
    private final int port;
    private final List<Path> extraClassPath;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final Path workDir;
    private volatile Process process;
    private Path log;
    private int starts;

    /**
     * @param name names the log files: {@code NAME-start-N.log}
     * @param extraClassPath folders put after the sample's jar (handlers of a test, listed in META-INF/services)
     * @param properties {@code -D} options; {@code aurora.sample.port} is set here
     * @param environment added to a child environment cleared of every {@code AURORA_*} variable of this JVM
     */
    SampleProcess(String name, List<Path> extraClassPath, Map<String, String> properties, Map<String, String> environment) {
        this.name = name;
        this.port = freePort();
        this.extraClassPath = List.copyOf(extraClassPath);
        this.properties = new LinkedHashMap<>(properties);
        this.properties.put("aurora.sample.port", Integer.toString(port));
        this.environment = Map.copyOf(environment);
        try {
            this.workDir = Files.createTempDirectory("aurora-evidence-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port this node listens on, the same after every restart. */
    int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** How many times it was started. */
    int starts() {
        return starts;
    }

    /** The log of the latest start. */
    Path log() {
        return log;
    }

    /** Every start's log, oldest first. */
    List<Path> logs() {
        List<Path> all = new ArrayList<>();
        for (int i = 1; i <= starts; i++) {
            all.add(logFile(i));
        }
        return all;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Starts the JVM and returns once it printed that it is running.
     *
     * @throws AssertionError when it exits first, or does not say it runs within {@link #START_DEADLINE}
     */
    void start() throws IOException, InterruptedException {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running already");
        }
        starts++;
        log = logFile(starts);
        Files.deleteIfExists(log);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        StringBuilder classPath = new StringBuilder(sampleJar().toString());
        extraClassPath.forEach(p -> classPath.append(File.pathSeparator).append(p.toAbsolutePath()));
        command.add("-cp");
        command.add(classPath.toString());
        command.add("org.aurorawebhooks.sample.SampleApp");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // Only the configuration this run chose: an AURORA_* variable of the build's environment must not leak in.
        builder.environment().keySet().removeIf(k -> k.startsWith("AURORA_"));
        builder.environment().putAll(environment);
        process = builder.start();
        process.getOutputStream().close();
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(RUNNING + port + "/")) {
                return;
            }
            if (!process.isAlive()) {
                fail(name + " (start " + starts + ") exited with " + process.exitValue() + " before it ran:\n" + tail());
            }
            Thread.sleep(50);
        }
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        fail(name + " (start " + starts + ") did not print \"" + RUNNING + port + "/\" within " + START_DEADLINE
                + ":\n" + tail());
    }

    /**
     * Kills the JVM with SIGKILL, as {@code kill -9} does (no shutdown hook, no filter destroy, nothing
     * flushed), and checks that it did: the exit status of a process ended by signal 9 is 137.
     */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS), name + " survived SIGKILL");
        assertEquals(SIGKILL_EXIT, process.exitValue(), name + " did not end by SIGKILL (exit status 128 + 9)");
    }

    /**
     * Sends SIGKILL now, from any thread, without waiting; {@link #kill9} then waits for the end and checks it.
     */
    void sendKill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    /** Stops it as an operator does (SIGTERM: the sample's shutdown hook stops Jetty and the library). */
    void stop() throws InterruptedException {
        if (!isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** The last lines of the latest start's log, for failure messages (the library masks secrets in its log). */
    String tail() {
        try {
            List<String> lines = log == null || !Files.exists(log) ? List.of() : Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Stops it if running; on failure paths a test calls this from finally. */
    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private Path logFile(int start) {
        return TestSecrets.logFile(name + "-start-" + start + ".log");
    }

    private static Path sampleJar() {
        Path jar = Path.of(System.getProperty("aurora.sample.jar", "../sample-webapp/target/aurora-sample.jar"));
        assertTrue(Files.isRegularFile(jar), "the sample jar is built by the package phase (mvn -B -DskipTests install): " + jar);
        return jar.toAbsolutePath();
    }

    /**
     * A handler of the sample, loaded from its jar (the {@code aurora-sample} artifact a build resolves is its WAR,
     * whose classes are not on a class path), for its {@code accepts} and {@code name}: the library's API comes
     * from this class path, so it is the same interface.
     */
    static AuroraEventHandler sampleHandler(String className) throws ReflectiveOperationException, IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {sampleJar().toUri().toURL()},
                SampleProcess.class.getClassLoader())) {
            return (AuroraEventHandler) loader.loadClass(className).getDeclaredConstructor().newInstance();
        }
    }

    /** A port nothing listens on now; the sample binds it on each start (Jetty reuses the address). */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
