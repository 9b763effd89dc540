package org.aurorawebhooks.evidence.servers;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * A servlet container installed as a user installs it, run by the test as its own process on a free loopback
 * port with a private base directory, its output in the suite's log folder. Webapps are deployed and
 * undeployed the way an operator does it, by adding and removing files the container watches.
 */
abstract class StandaloneServer implements AutoCloseable {
    static final Duration DEPLOY_DEADLINE = Duration.ofMinutes(4);
    static final Duration UNDEPLOY_DEADLINE = Duration.ofMinutes(3);
    /** Threads of the JVM itself that come and go on their own (the jcmd attach thread, the JIT's). */
    private static final List<Pattern> JVM_THREADS = List.of(Pattern.compile("Attach Listener"),
            Pattern.compile("C[12] CompilerThread\\d+"),
            // The JVM-wide common pool: its workers carry no webapp's class loader and end after a minute idle.
            Pattern.compile("ForkJoinPool\\.commonPool-worker-\\d+"));

    protected final Path base;
    protected final int port;
    protected final Path log;
    private Process process;

    protected StandaloneServer(Path base, int port, Path log) {
        this.base = base;
        this.port = port;
        this.log = log;
    }

    /** "Tomcat" or "Jetty". */
    abstract String product();

    /** The version the server printed at start. */
    abstract String version() throws IOException;

    /** Makes the container deploy the webapp (it does so on its own, soon after). */
    abstract void addDeployment(Webapp webapp) throws IOException;

    /** Makes the container undeploy the webapp. */
    abstract void removeDeployment(Webapp webapp) throws IOException;

    /** Whether the container has finished undeploying the webapp (stopped it and let go of its files). */
    abstract boolean finishedUndeploying(Webapp webapp) throws IOException;

    /** Every line of the server's logs in which the container reports a leak or trouble stopping a webapp. */
    abstract List<String> leakWarnings() throws IOException;

    /** The class of the container's webapp class loaders. */
    abstract String webappClassLoader();

    /** Whether a thread of this name belongs to the container's own pools, which grow and shrink with load. */
    abstract boolean containerPoolThread(String name);

    /** The command line that runs the server, with its environment. */
    abstract ProcessBuilder command();

    final void start() throws IOException, InterruptedException {
        ProcessBuilder builder = command();
        // Only the test's configuration reaches the webapps: none of the environment's AURORA_* variables.
        builder.environment().keySet().removeIf(k -> k.startsWith("AURORA_"));
        process = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        await("the " + product() + " to answer on port " + port, DEPLOY_DEADLINE, () -> {
            try {
                RawHttp.get(port, "/");
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    /**
     * Dumps the server's heap beside its base folder (not into the log folder: the heap holds the configured
     * secrets, and the suite's secret scan reads the logs), for finding what holds an undeployed webapp.
     */
    final Path heapDump() throws IOException, InterruptedException {
        Path dump = base.resolveSibling(base.getFileName() + ".hprof");
        ServerJvm.heapDump(pid(), dump);
        return dump;
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    /** Deploys the webapp and waits until its filter answers (a 401 to a delivery without a credential). */
    final void deploy(Webapp webapp) throws IOException, InterruptedException {
        addDeployment(webapp);
        awaitDeployed(webapp);
    }

    final void awaitDeployed(Webapp webapp) throws InterruptedException {
        await(webapp.contextPath() + " deployed on " + product() + " (its filter answering 401)", DEPLOY_DEADLINE, () -> {
            try {
                return RawHttp.get(port, webapp.contextPath() + "/aurora/webhooks/lead_created").status() == 401;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Undeploys the webapp and waits until the container has finished (and the path answers 404). */
    final void undeploy(Webapp webapp) throws IOException, InterruptedException {
        removeDeployment(webapp);
        await(webapp.contextPath() + " undeployed from " + product(), UNDEPLOY_DEADLINE, () -> {
            try {
                return finishedUndeploying(webapp) && RawHttp.get(port, webapp.contextPath() + "/").status() == 404;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Threads that neither the container's pools nor the JVM start and end on their own. */
    final boolean ignorableThread(String name) {
        return containerPoolThread(name) || JVM_THREADS.stream().anyMatch(p -> p.matcher(name).matches());
    }

    /** The whole of the server's main log (its standard output). */
    final String logText() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Stops the server as its service manager would (SIGTERM: the container stops every webapp); its exit code. */
    final int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            fail(product() + " did not stop within 3 minutes of SIGTERM; see " + log);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            }
        }
    }

    /** Polls the condition until it holds; fails naming what was awaited (and the server's end if it died). */
    final void await(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (process != null && !process.isAlive()) {
                fail(product() + " exited (code " + process.exitValue() + ") while waiting for " + what + "; see " + log);
            }
            if (System.nanoTime() > end) {
                fail("timed out after " + deadline.toSeconds() + " s waiting for " + what + "; see " + log);
            }
            Thread.sleep(200);
        }
    }

    /** Writes a file so that a watching container sees it whole: staged outside its folder, then moved in at once. */
    final void publish(Path target, byte[] content) throws IOException {
        Path staged = Files.createDirectories(base.resolve("staging")).resolve(target.getFileName());
        Files.write(staged, content);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
    }

    final void publish(Path target, String content) throws IOException {
        publish(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Drops the plain webapp, built as a WAR with its configuration, into the folder the container watches. */
    final void publishShopWar(Webapp webapp) throws IOException {
        Path staged = Files.createDirectories(base.resolve("staging")).resolve(webapp.name() + ".war");
        ShopWar.write(staged, webapp.params());
        Files.move(staged, base.resolve("webapps").resolve(webapp.name() + ".war"), StandardCopyOption.ATOMIC_MOVE);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set; failsafe sets it (mvn verify -Pevidence)");
        }
        return value;
    }

    /** Lines of the given files that contain any of the phrases. */
    static List<String> linesWith(List<Path> files, List<String> phrases) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (phrases.stream().anyMatch(line::contains)) {
                    found.add(file.getFileName() + ": " + line);
                }
            }
        }
        return found;
    }

    /** A server that is not installed: CI must fail, elsewhere the test is skipped with a notice. */
    static void unavailable(String notice) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(notice);
        }
        System.err.println("SKIPPED: " + notice);
        assumeTrue(false, notice);
    }

    /** Context parameters as deployment-descriptor elements, for an override file. */
    static String contextParams(Map<String, String> params) {
        StringBuilder xml = new StringBuilder();
        params.forEach((name, value) -> xml.append("  <context-param><param-name>").append(Xml.escape(name))
                .append("</param-name><param-value>").append(Xml.escape(value)).append("</param-value></context-param>\n"));
        return xml.toString();
    }
}
