package org.aurorawebhooks.sample;

import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.aurorawebhooks.AuroraWebhookFilter;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.api.RateBudget;
import org.aurorawebhooks.api.Subscription;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The sample host app: an embedded Jetty 12 with a page of its own and aurora-webhooks in front of it,
 * on SQLite. In demo mode (the default without an API token) it also runs a simulated Aurora in-process,
 * subscribes it to this app, and drives a stream of new and changed leads with a fifth of the webhooks
 * dropped, so the lead sync and the once-a-minute reconcile can be watched catching up.
 */
public final class SampleApp implements AutoCloseable {
    static final String DEFAULT_DB_URL = "jdbc:sqlite:aurora-sample.db";
    static final String SAMPLE_HEADER = "X-Aurora-Token";
    static final String SAMPLE_TOKEN = "sample-token";
    private static final double DEMO_DROP_SHARE = 0.2;

    private final Server server;
    private final SimulatedAurora aurora;
    private final ScheduledExecutorService demo;
    private final int port;

    private SampleApp(Server server, SimulatedAurora aurora, ScheduledExecutorService demo, int port) {
        this.server = server;
        this.aurora = aurora;
        this.demo = demo;
        this.port = port;
    }

    public static void main(String[] args) throws Exception {
        SampleApp app = start(Settings.load(List.of()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "sample-shutdown"));
        app.server.join();
    }

    /** Starts the app; {@code settings} come from system properties, the environment and aurora.config. */
    public static SampleApp start(Settings settings) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        boolean defaultDb = "built-in default".equals(settings.sourceOf(Key.DB_URL));
        params.put(Key.DB_URL.key(), defaultDb ? DEFAULT_DB_URL : settings.dbUrl());
        boolean credential = settings.headerName().isPresent() || settings.basicUsername().isPresent() || settings.authDisabled();
        if (!credential) {
            params.put(Key.AUTH_HEADER_NAME.key(), SAMPLE_HEADER);
            params.put(Key.AUTH_HEADER_VALUE.key(), SAMPLE_TOKEN);
        }
        SimulatedAurora aurora = null;
        if (settings.sampleDemo()) {
            aurora = SimulatedAurora.start(SimulatedAurora.Options.defaults().withRequestsPerMinute(600)
                    .withCredentials("sample-tenant", "sample-api-token"));
            params.put(Key.API_BASE_URL.key(), aurora.baseUrl());
            params.put(Key.API_TENANT_ID.key(), aurora.tenantId());
            params.put(Key.API_TOKEN.key(), aurora.token());
            params.put(Key.API_REQUESTS_PER_MINUTE.key(), "600");
            if ("built-in default".equals(settings.sourceOf(Key.RECONCILER_CRON))) {
                params.put(Key.RECONCILER_CRON.key(), "0 * * * * ?");
            }
        }

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(settings.samplePort());
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.setInitParameter(Key.DB_URL.key(), params.get(Key.DB_URL.key()));
        context.addServlet(new ServletHolder(new SampleHomeServlet()), "");
        context.addServlet(new ServletHolder(new SampleHomeServlet()), "/index.html");
        FilterHolder filter = new FilterHolder(AuroraWebhookFilter.class);
        filter.setInitParameters(params);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.start();
        int port = connector.getLocalPort();

        ScheduledExecutorService demo = null;
        if (aurora != null) {
            demo = startDemo(aurora, port, params);
        }
        SampleApp app = new SampleApp(server, aurora, demo, port);
        app.printWelcome(params, credential);
        return app;
    }

    private static ScheduledExecutorService startDemo(SimulatedAurora aurora, int port, Map<String, String> params) {
        AuroraApi api = AuroraApi.create(java.net.URI.create(aurora.baseUrl()), aurora.tenantId(), aurora.token(),
                new RateBudget(600), java.time.Duration.ofSeconds(10));
        String base = "http://127.0.0.1:" + port + "/aurora/webhooks/";
        String header = params.get(Key.AUTH_HEADER_NAME.key());
        String token = params.get(Key.AUTH_HEADER_VALUE.key());
        api.createWebhook(new Subscription(null, "lead_created", base + "lead_created?lead_id=<LEAD_ID>&source=<SOURCE>",
                "sample", true, header, token));
        api.createWebhook(new Subscription(null, "lead_changed", base + "lead_changed?lead_id=<LEAD_ID>",
                "sample", true, header, token));
        aurora.dropShare(DEMO_DROP_SHARE);
        ScheduledExecutorService demo = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sample-demo-stream");
            t.setDaemon(true);
            return t;
        });
        Random random = new Random(7);
        List<String> created = new ArrayList<>();
        demo.scheduleWithFixedDelay(() -> {
            try {
                if (created.size() < 3 || random.nextDouble() < 0.6) {
                    created.add(aurora.createLead());
                } else {
                    aurora.changeLead(created.get(random.nextInt(created.size())));
                }
            } catch (RuntimeException e) {
                System.err.println("sample demo: " + e.getMessage());
            }
        }, 1, 3, TimeUnit.SECONDS);
        return demo;
    }

    private void printWelcome(Map<String, String> params, boolean ownCredential) {
        StringBuilder sb = new StringBuilder("\naurora-webhooks sample is running on http://localhost:" + port + "/\n")
                .append("  database: ").append(params.get(Key.DB_URL.key())).append('\n');
        if (!ownCredential) {
            sb.append("  record a delivery as Aurora would send it:\n")
                    .append("    curl -i -H '").append(SAMPLE_HEADER).append(": ").append(SAMPLE_TOKEN).append("' ")
                    .append("'http://localhost:").append(port)
                    .append("/aurora/webhooks/lead_created?lead_id=3fa85f64-5717-4562-b3fc-2c963f66afa6&source=api'\n");
        }
        if (aurora != null) {
            sb.append("  demo mode: a simulated Aurora at ").append(aurora.baseUrl())
                    .append(" creates or changes a lead every 3 s and drops ").append((int) (DEMO_DROP_SHARE * 100))
                    .append("% of its webhooks;\n  the lead sync fetches what arrives, the reconcile every minute finds "
                            + "what was dropped. Open the page to watch.\n");
        }
        sb.append("  stop with Ctrl-C\n");
        System.out.println(sb);
    }

    public int port() {
        return port;
    }

    /** The in-process simulated Aurora in demo mode, or null. */
    public SimulatedAurora aurora() {
        return aurora;
    }

    @Override
    public void close() {
        if (demo != null) {
            demo.shutdownNow();
        }
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("sample: stopping Jetty failed: " + e.getMessage());
        }
        if (aurora != null) {
            aurora.close();
        }
    }
}
