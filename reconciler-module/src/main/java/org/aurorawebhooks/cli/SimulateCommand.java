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
        description = "Run a simulated Aurora (API and webhook firing) on a loopback port, for local development.")
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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535 || leads < 0 || rateLimit <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--port must be 0-65535, --leads at least 0 and --rate-limit positive");
        }
        // The simulator reads no key, but like every command it reports mistyped ones in --config and the environment.
        context.settings();
        SimulatedAurora.Options options = SimulatedAurora.Options.defaults().withPort(port)
                .withRequestsPerMinute(rateLimit).withCredentials(tenant, token);
        try (SimulatedAurora aurora = SimulatedAurora.start(options)) {
            aurora.seedLeads(leads);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("simulated Aurora on %s with %d leads, rate limit %d/min%n", aurora.baseUrl(), aurora.leadCount(), rateLimit);
            out.printf("point the library at it: AURORA_API_BASE_URL=%s AURORA_API_TENANT_ID=%s AURORA_API_TOKEN=%s%n",
                    aurora.baseUrl(), tenant, token);
            out.printf("make leads happen (fires the subscribed webhooks): curl -X POST %s/_simulator/leads ; "
                    + "curl -X POST %s/_simulator/leads/ID/change ; curl -X DELETE %s/_simulator/leads/ID%n",
                    aurora.baseUrl(), aurora.baseUrl(), aurora.baseUrl());
            out.println("stop with Ctrl-C");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return Main.DONE;
    }
}
