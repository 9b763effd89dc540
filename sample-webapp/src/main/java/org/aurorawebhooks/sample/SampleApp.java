package org.aurorawebhooks.sample;

import jakarta.servlet.DispatcherType;
import java.net.BindException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.aurorawebhooks.AuroraHandlers;
import org.aurorawebhooks.AuroraWebhookFilter;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.api.RateBudget;
import org.aurorawebhooks.api.Subscription;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.internal.DaemonThreads;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The sample host app: an embedded Jetty 12 with a page of its own and aurora-webhooks in front of it,
 * on SQLite. In demo mode (the default without an API token) it also runs a simulated Aurora in-process,
 * subscribes it to this app for all 26 events, and tells {@link DemoStories} through them, with a fifth of
 * the lead webhooks dropped, so the lead sync and the once-a-minute reconcile can be watched catching up;
 * the {@link DemoCrmHandler} fails now and then, so retries and dead letters can be watched too.
 */
public final class SampleApp implements AutoCloseable {
    static final String DEFAULT_DB_URL = "jdbc:sqlite:aurora-sample.db";
    static final String SAMPLE_HEADER = "X-Aurora-Token";
    static final String SAMPLE_TOKEN = "sample-token";

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

    /**
     * {@code java -jar aurora-sample.jar}. A start-up failure a user can act on (a busy port, a bad
     * configuration value) is one line on stderr naming the thing and the key, and a non-zero exit:
     * 2 for a bad configuration, 3 when the port is taken.
     */
    public static void main(String[] args) throws Exception {
        SampleApp app;
        try {
            app = start(Settings.load(List.of()));
        } catch (ConfigException e) {
            System.err.println("aurora-sample: " + e.getMessage());
            System.exit(StartFailure.CONFIGURATION);
            return;
        } catch (StartFailure e) {
            System.err.println("aurora-sample: " + e.getMessage());
            System.exit(e.exitCode);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "sample-shutdown"));
        app.server.join();
    }

    /** A start-up failure the user can act on; the message is the one line to show. */
    static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;
        static final int CONFIGURATION = 2;
        static final int PORT_IN_USE = 3;
        final int exitCode;

        StartFailure(String message, int exitCode, Throwable cause) {
            super(message, cause);
            this.exitCode = exitCode;
        }
    }

    /**
     * Starts the app; {@code settings} come from system properties, the environment and aurora.config.
     *
     * @throws StartFailure when the port is taken or a configuration value is bad; nothing is left running
     */
    public static SampleApp start(Settings settings) throws Exception {
        int port;
        try {
            port = SampleKeys.port(settings);
        } catch (ConfigException e) {
            throw new StartFailure(e.getMessage(), StartFailure.CONFIGURATION, e);
        }
        if (port < 0 || port > 65535) {
            throw new StartFailure(SampleKeys.PORT + " from " + SampleKeys.sourceOf(settings, SampleKeys.PORT) + ": " + port
                    + " is not a port number (0 to 65535; 0 picks a free one)", StartFailure.CONFIGURATION, null);
        }
        try {
            return start(settings, port);
        } catch (ConfigException e) {
            throw new StartFailure(e.getMessage(), StartFailure.CONFIGURATION, e);
        }
    }

    private static SampleApp start(Settings settings, int requestedPort) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        // The filter reads its own init-params, system properties, environment and aurora.config file; a
        // value given to the sample another way (a test's source) must reach it too, and the demo must
        // subscribe to the path.
        for (Key key : Key.values()) {
            if (key != Key.CONFIG_FILE && settings.get(key).isPresent() && !filterReadsItself(settings.sourceOf(key))) {
                params.put(key.key(), settings.get(key).get());
            }
        }
        params.put(Key.WEBHOOKS_PATH.key(), settings.webhooksPath());
        boolean defaultDb = "built-in default".equals(settings.sourceOf(Key.DB_URL));
        params.put(Key.DB_URL.key(), defaultDb ? DEFAULT_DB_URL : settings.dbUrl());
        boolean credential = settings.headerName().isPresent() || settings.basicUsername().isPresent() || settings.authDisabled();
        if (!credential) {
            params.put(Key.AUTH_HEADER_NAME.key(), SAMPLE_HEADER);
            params.put(Key.AUTH_HEADER_VALUE.key(), SAMPLE_TOKEN);
        }
        SimulatedAurora aurora = null;
        boolean generatedAdmin = false;
        if (SampleKeys.demo(settings)) {
            aurora = SimulatedAurora.start(SimulatedAurora.Options.defaults().withRequestsPerMinute(600)
                    .withCredentials("sample-tenant", "sample-api-token"));
            params.put(Key.API_BASE_URL.key(), aurora.baseUrl());
            params.put(Key.API_TENANT_ID.key(), aurora.tenantId());
            params.put(Key.API_TOKEN.key(), aurora.token());
            params.put(Key.API_REQUESTS_PER_MINUTE.key(), "600");
            // The demo's pace, unless configured otherwise: a reconcile every minute, looking back over the
            // last minutes only (each pass re-fetches every lead touched in its window), and a handler's
            // failed delivery retried after 2 s and 5 s, then dead.
            demoDefault(settings, params, Key.RECONCILER_CRON, "0 * * * * ?");
            demoDefault(settings, params, Key.RECONCILER_LOOKBACK, "PT5M");
            demoDefault(settings, params, Key.HANDLERS_RETRY_SCHEDULE, "PT2S,PT5S");
            if (settings.adminUsername().isEmpty() && settings.adminPassword().isEmpty()) {
                // The console opens only with a credential; the demo makes one for this run, shown once on
                // stdout by printWelcome (the configuration the filter logs masks the password).
                params.put(Key.ADMIN_USERNAME.key(), "admin");
                params.put(Key.ADMIN_PASSWORD.key(), generatedPassword());
                generatedAdmin = true;
            }
        }

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(requestedPort);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        // A filter that cannot start (a bad aurora.* value) fails the start, rather than leaving a
        // running app that answers 503 to everything.
        context.getServletHandler().setStartWithUnavailable(false);
        context.setInitParameter(Key.DB_URL.key(), params.get(Key.DB_URL.key()));
        context.setInitParameter(Key.WEBHOOKS_PATH.key(), params.get(Key.WEBHOOKS_PATH.key()));
        context.addServlet(new ServletHolder(new SampleHomeServlet()), "");
        context.addServlet(new ServletHolder(new SampleHomeServlet()), "/index.html");
        FilterHolder filter = new FilterHolder(AuroraWebhookFilter.class);
        filter.setInitParameters(params);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        if (aurora != null) {
            AuroraHandlers.register(context.getServletContext(), new DemoCrmHandler());
        }
        int port;
        ScheduledExecutorService demo = null;
        try {
            server.start();
            port = connector.getLocalPort();
            if (aurora != null) {
                demo = startDemo(aurora, port, params, settings.webhooksPath());
            }
        } catch (Exception | Error e) {
            stopQuietly(server);
            if (aurora != null) {
                aurora.close();
            }
            throw startFailure(e, settings, requestedPort);
        }
        SampleApp app = new SampleApp(server, aurora, demo, port);
        app.printWelcome(params, credential, generatedAdmin,
                settings.adminUsername().isPresent() && settings.adminPassword().isPresent());
        return app;
    }

    /** Whether the filter finds a value from this source by itself (see {@code Settings.load}). */
    private static boolean filterReadsItself(String source) {
        return source.equals("built-in default") || source.startsWith("system property")
                || source.startsWith("environment variable") || source.startsWith("file ");
    }

    /** 18 random bytes, URL-safe: 144 bits, and nothing a shell or a URL would need to escape. */
    private static String generatedPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void demoDefault(Settings settings, Map<String, String> params, Key key, String value) {
        if ("built-in default".equals(settings.sourceOf(key))) {
            params.put(key.key(), value);
        }
    }

    /** The one line for a failure the user can act on; anything else as it is, with its stack trace. */
    private static Exception startFailure(Throwable e, Settings settings, int port) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return new StartFailure("port " + port + " is already in use (" + SampleKeys.PORT + " from "
                        + SampleKeys.sourceOf(settings, SampleKeys.PORT) + "); start the sample on another port, e.g. -D"
                        + SampleKeys.PORT + "=9090", StartFailure.PORT_IN_USE, e);
            }
            if (t instanceof ConfigException) {
                return new StartFailure(t.getMessage(), StartFailure.CONFIGURATION, e);
            }
        }
        if (e instanceof Error err) {
            throw err;
        }
        return (Exception) e;
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("sample: stopping Jetty failed: " + e.getMessage());
        }
    }

    /**
     * Subscribes the simulator to all 26 events, each with Aurora's suggested template under the
     * configured {@code aurora.webhooks.path}, and starts telling {@link DemoStories}: an event or a few
     * every second, a fifth of the lead deliveries dropped on the way.
     */
    private static ScheduledExecutorService startDemo(SimulatedAurora aurora, int port, Map<String, String> params,
                                                      String webhooksPath) {
        String base = "http://127.0.0.1:" + port + webhooksPath + "/";
        String header = params.get(Key.AUTH_HEADER_NAME.key());
        String token = params.get(Key.AUTH_HEADER_VALUE.key());
        // Closed once subscribed: the client owns HttpClient threads the demo no longer needs.
        try (AuroraApi api = AuroraApi.create(java.net.URI.create(aurora.baseUrl()), aurora.tenantId(), aurora.token(),
                new RateBudget(600), java.time.Duration.ofSeconds(10))) {
            for (EventType event : EventCatalog.aurora().events()) {
                api.createWebhook(new Subscription(null, event.name(), base + event.suggestedTemplate(), "sample", true,
                        header, token));
            }
        }
        ScheduledExecutorService demo = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sample-demo"));
        DemoStories stories = new DemoStories(aurora, 7);
        // The first beat (the lead whose lead_created is lost) before start returns, so that even a reconcile
        // the schedule fires in the app's first second finds it.
        stories.tick();
        var unused = demo.scheduleWithFixedDelay(() -> {
            try {
                stories.tick();
            } catch (RuntimeException e) {
                System.err.println("sample demo: " + e.getMessage());
            }
        }, 1, 1, TimeUnit.SECONDS);
        return demo;
    }

    /**
     * What the user sees first, on stdout: where the app and the console are and, in demo mode, what is
     * going on. The only place a generated admin password is ever shown; a configured one never is.
     */
    private void printWelcome(Map<String, String> params, boolean ownCredential, boolean generatedAdmin,
                              boolean configuredAdmin) {
        String path = params.get(Key.WEBHOOKS_PATH.key());
        StringBuilder sb = new StringBuilder("\naurora-webhooks sample is running on http://localhost:" + port + "/\n")
                .append("  database: ").append(params.get(Key.DB_URL.key())).append('\n');
        String console = "  operator console: http://localhost:" + port + path + "/_dashboard\n";
        if (generatedAdmin) {
            sb.append(console).append("    user ").append(params.get(Key.ADMIN_USERNAME.key())).append("   password ")
                    .append(params.get(Key.ADMIN_PASSWORD.key()))
                    .append("\n    (made for this run and shown only here; set aurora.admin.username and "
                            + "aurora.admin.password to choose your own)\n");
        } else if (configuredAdmin) {
            sb.append(console).append("    (aurora.admin.username and aurora.admin.password as configured)\n");
        }
        if (!ownCredential) {
            sb.append("  record a delivery as Aurora would send it:\n")
                    .append("    curl -i -H '").append(SAMPLE_HEADER).append(": ").append(SAMPLE_TOKEN).append("' ")
                    .append("'http://localhost:").append(port)
                    .append(path).append("/lead_created?lead_id=3fa85f64-5717-4562-b3fc-2c963f66afa6&source=api'\n");
        }
        if (aurora != null) {
            sb.append("  demo mode: a simulated Aurora at ").append(aurora.baseUrl()).append(" tells stories through all 26\n")
                    .append("    events, a few every second (a lead captured, estimated, converted into a project, designed,\n")
                    .append("    proposed, signed, surveyed ...), and drops ").append((int) (DemoStories.LEAD_DROP_SHARE * 100))
                    .append("% of the lead webhooks. The lead sync fetches what\n")
                    .append("    arrives, the reconcile every minute finds what was dropped, and the sample's handlers act on\n")
                    .append("    the events (the CRM one fails now and then: retried, then a dead letter you can retry).\n");
        }
        sb.append("  stop with Ctrl-C\n");
        System.out.println(sb);
    }

    public int port() {
        return port;
    }

    /** The app's servlet context, where a test registers a handler of its own with {@link AuroraHandlers#register}. */
    jakarta.servlet.ServletContext servletContext() {
        return ((ServletContextHandler) server.getHandler()).getServletContext();
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
