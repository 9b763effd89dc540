package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.aurorawebhooks.simulator.SimulatedAurora;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run a simulated Aurora (API and webhook firing for any of the 26 events) on a loopback port, "
                + "for local development. Every webhook it fires, drops or fails to deliver is logged.")
final class SimulateCommand implements Callable<Integer> {
    @Mixin
    CliContext context;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8090", description = "port on 127.0.0.1 (default 8090; 0 picks one)")
    int port;

    @Option(names = "--leads", paramLabel = "N", defaultValue = "0", description = "leads to create at start (default 0)")
    int leads;

    @Option(names = "--rate-limit", paramLabel = "PER_MINUTE", defaultValue = "90",
            description = "the simulator's own API rate limit (default 90, like Aurora's)")
    int rateLimit;

    @Option(names = "--tenant", paramLabel = "ID", defaultValue = "sim-tenant", description = "tenant id (default sim-tenant)")
    String tenant;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "sim-token", description = "bearer token (default sim-token)")
    String token;

    @Option(names = "--drop-share", paramLabel = "SHARE", defaultValue = "0.0",
            description = "share of webhook firings dropped, 0.0 to 1.0, standing for deliveries lost on the way "
                    + "(default 0.0; change it while running with PUT /_simulator/drop-share)")
    double dropShare;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "seed of the generated values and of the drop decisions (default 42: with the same seed, "
                    + "the default included, every run generates the same values and drops the same firings)")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535 || leads < 0 || rateLimit <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--port must be 0-65535, --leads at least 0 and --rate-limit positive");
        }
        if (!(dropShare >= 0.0 && dropShare <= 1.0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--drop-share: " + dropShare
                    + " is not between 0.0 (drop none) and 1.0 (drop all)");
        }
        // The simulator reads no key, but like every command it reports mistyped ones in --config and the environment.
        context.settings();
        SimulatedAurora.Options options = SimulatedAurora.Options.defaults().withPort(port)
                .withRequestsPerMinute(rateLimit).withCredentials(tenant, token).withDropShare(dropShare).withSeed(seed);
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "simulate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (SimulatedAurora aurora = SimulatedAurora.start(options)) {
            aurora.seedLeads(leads);
            String base = aurora.baseUrl();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("simulated Aurora on %s with %d leads, rate limit %d/min, dropping %s of its webhooks%n", base,
                    aurora.leadCount(), rateLimit, percent(dropShare));
            out.printf("point the library at it: AURORA_API_BASE_URL=%s AURORA_API_TENANT_ID=%s AURORA_API_TOKEN=%s%n",
                    base, tenant, token);
            out.printf("subscribe your app to it (with those variables set): aurora-reconciler.jar subscribe --url YOUR_APP_BASE_URL%n");
            out.printf("make leads happen: curl -X POST %s/_simulator/leads ; curl -X POST %s/_simulator/leads/ID/change ; "
                    + "curl -X DELETE %s/_simulator/leads/ID%n", base, base, base);
            out.printf("fire any event: curl -X POST '%s/_simulator/fire/project_status_changed?status=Sold' "
                    + "(attributes not given are generated)%n", base);
            out.printf("drop a share: curl -X PUT -d 0.2 %s/_simulator/drop-share ; what was fired: curl %s/_simulator/firings%n",
                    base, base);
            out.println("stop with Ctrl-C");
            out.flush();
            stop.await();
        } catch (InterruptedException e) {
            // Stopped by the thread that runs the command (an embedding caller or a test): a normal stop.
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook is running
            }
        }
        return Main.DONE;
    }

    private static String percent(double share) {
        return Math.round(share * 1000) / 10.0 + "%";
    }
}
