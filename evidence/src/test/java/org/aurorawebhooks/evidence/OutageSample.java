package org.aurorawebhooks.evidence;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aurorawebhooks.testing.TestSecrets;

/**
 * The sample as its own JVM, started as the README says ({@code java -jar aurora-sample.jar}) on a free port,
 * its output (stdout and stderr) in {@link TestSecrets#logFile} for the suite-wide secret scan. Configuration
 * as system properties; secrets only in the environment, so that no command line shows them.
 */
final class OutageSample implements AutoCloseable {
    private static final Pattern RUNNING = Pattern.compile("sample is running on http://localhost:(\\d+)/");

    private final Process process;
    private final Path log;
    private final int port;

    private OutageSample(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the sample and waits until it says where it listens.
     *
     * @param name names the log file
     * @param properties {@code -D} settings
     * @param environment secrets, as environment variables
     */
    static OutageSample start(String name, Map<String, String> properties, Map<String, String> environment)
            throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("aurora.sample.jar", "../sample-webapp/target/aurora-sample.jar"));
        assertTrue(Files.isRegularFile(jar), "the sample jar, built by the package phase: " + jar.toAbsolutePath());
        Path log = TestSecrets.logFile(name + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Daurora.sample.port=0"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            Matcher m = RUNNING.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return new OutageSample(process, log, Integer.parseInt(m.group(1)));
            }
            if (!process.isAlive()) {
                fail("the sample exited with " + process.exitValue() + " before it listened; its output, " + log + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new AssertionError("the sample did not say where it listens within 2 minutes; " + log);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Stops it as Ctrl-C would (its shutdown hook closes the app), forcibly after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
