package org.aurorawebhooks.evidence.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aurorawebhooks.testing.TestSecrets;

/**
 * An operator at a shell: each command is {@code java -jar aurora-reconciler.jar COMMAND … --config FILE},
 * its own JVM, one after the other. Every run is kept (arguments, exit code, output) and its output also
 * appended to the test log folder for the suite's secret scan.
 */
final class OperatorCli {
    /** Longer than any command can take: a call ends within 5 minutes, and a pass makes a few dozen. */
    private static final Duration NEVER_ENDS = Duration.ofMinutes(30);

    /** One command an operator ran. */
    record Run(String label, List<String> args, int exitCode, String out, String err, long startedNanos, long endedNanos) {
        /** A crash rather than a documented outcome: an exit code the CLI does not document, or a stack trace. */
        boolean crashed() {
            return exitCode < 0 || exitCode > 3 || (out + err).contains("Exception in thread")
                    || (out + err).lines().anyMatch(l -> l.startsWith("\tat "));
        }

        String describe() {
            return label + " (" + String.join(" ", args) + "): exit " + exitCode + " after "
                    + Duration.ofNanos(endedNanos - startedNanos).toSeconds() + " s; stderr: " + err.strip()
                    + "; stdout: " + out.strip().replace("\n", " | ");
        }
    }

    private final Path jar;
    private final Path log;
    private final List<Run> runs = Collections.synchronizedList(new ArrayList<>());

    OperatorCli(Path jar, String name) {
        this.jar = jar;
        this.log = TestSecrets.logFile(name + ".log");
    }

    /** Runs one command with {@code --config config} and waits for it to end. */
    Run run(String label, Path config, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SampleProcess.javaCommand(), "-Xmx256m", "-jar",
                jar.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--config", config.toString()));
        Path out = Files.createTempFile("chaos-cli-", ".out");
        Path err = Files.createTempFile("chaos-cli-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        SampleProcess.withoutAuroraVariables(builder);
        long started = System.nanoTime();
        Process process = builder.start();
        process.getOutputStream().close();
        int exit;
        if (process.waitFor(NEVER_ENDS.toMillis(), TimeUnit.MILLISECONDS)) {
            exit = process.exitValue();
        } else {
            process.destroyForcibly().waitFor();
            exit = -1;
        }
        Run run = new Run(label, List.of(args), exit, Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), started, System.nanoTime());
        Files.delete(out);
        Files.delete(err);
        Files.writeString(log, "== " + run.describe() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        runs.add(run);
        return run;
    }

    List<Run> runs() {
        synchronized (runs) {
            return List.copyOf(runs);
        }
    }
}
