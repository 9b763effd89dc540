package org.aurorawebhooks.evidence.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aurorawebhooks.testing.TestSecrets;

/**
 * The sample webapp as its own JVM, started the way an operator starts it ({@code java -jar
 * aurora-sample.jar}), configured by an {@code aurora.config} properties file. Its output goes to the
 * test log folder, where the suite's secret scan reads it.
 */
final class SampleProcess implements AutoCloseable {
    private static final Pattern RUNNING = Pattern.compile("sample is running on http://localhost:(\\d+)/");
    private static final Pattern THREAD = Pattern.compile("^\"([^\"]+)\"", Pattern.MULTILINE);

    private final Process process;
    private final Path out;
    private final Path err;
    private final int port;

    private SampleProcess(Process process, Path out, Path err, int port) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.port = port;
    }

    /** Starts the jar and waits (minutes, on a loaded machine) until it says where it listens. */
    static SampleProcess start(Path jar, Path config, String name) throws IOException, InterruptedException {
        Path out = TestSecrets.logFile(name + ".out");
        Path err = TestSecrets.logFile(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(javaCommand(), "-Xmx256m", "-Daurora.config=" + config,
                "-jar", jar.toAbsolutePath().toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        withoutAuroraVariables(builder);
        Process process = builder.start();
        process.getOutputStream().close();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = RUNNING.matcher(Files.readString(out, StandardCharsets.UTF_8));
            if (m.find()) {
                return new SampleProcess(process, out, err, Integer.parseInt(m.group(1)));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the sample exited with " + process.exitValue() + " before it listened: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            Thread.sleep(200);
        }
        process.destroyForcibly().waitFor();
        throw new IllegalStateException("the sample did not say where it listens within 3 minutes: "
                + Files.readString(err, StandardCharsets.UTF_8));
    }

    static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The test's own environment must not configure the child: {@code AURORA_*} variables rank above the
     * configuration file. The test harness's {@code AURORA_TEST_*} variables are no configuration keys.
     */
    static void withoutAuroraVariables(ProcessBuilder builder) {
        builder.environment().keySet().removeIf(k -> k.startsWith("AURORA_") && !k.startsWith("AURORA_TEST_"));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    String output() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8);
    }

    /** The names of the JVM's threads, from {@code jcmd PID Thread.print}. */
    List<String> threadNames() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(process.pid()), "Thread.print").redirectErrorStream(true).start();
        jcmd.getOutputStream().close();
        String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(2, TimeUnit.MINUTES) || jcmd.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + process.pid() + " Thread.print failed: " + dump);
        }
        List<String> names = new ArrayList<>();
        Matcher m = THREAD.matcher(dump);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * Stops it as a service manager would (SIGTERM: the shutdown hook stops the webapp), and waits.
     *
     * @return the exit code, or -1 when it had to be killed after {@code wait}
     */
    int stop(Duration wait) throws InterruptedException {
        process.destroy();
        if (process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly().waitFor();
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(Duration.ofMinutes(1));
        }
    }
}
