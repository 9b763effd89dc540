package org.aurorawebhooks;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.aurorawebhooks.auth.Authenticator;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.config.ConfigSource;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.console.Console;
import org.aurorawebhooks.http.EndpointTraffic;
import org.aurorawebhooks.http.WebhookEndpoint;
import org.aurorawebhooks.handlers.HandlerDispatcher;
import org.aurorawebhooks.handlers.HandlerRegistry;
import org.aurorawebhooks.internal.FilterExtension;
import org.aurorawebhooks.internal.FilterRegistrar;
import org.aurorawebhooks.retention.Retention;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.DatabaseUnavailableException;
import org.aurorawebhooks.store.EventWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives Aurora Solar webhooks inside an existing webapp and commits each delivery to the database
 * before answering 200. Every request outside the webhook paths passes through untouched, also
 * while the database is down.
 *
 * <p>Configuration (see the README for every key): {@code aurora.webhooks.path} (default
 * {@code /aurora/webhooks}; the next path segment is the event name), {@code aurora.webhooks.route.<path>},
 * a credential ({@code aurora.webhooks.auth.header-name}/{@code header-value} or
 * {@code basic-username}/{@code basic-password}), and {@code aurora.db.url}. Values are read from this
 * filter's init-params, then the context's, system properties, environment variables and the file
 * named by {@code aurora.config}. Without a credential the filter refuses to start unless
 * {@code aurora.webhooks.auth.disabled=true}. With {@code aurora.admin.username}/{@code aurora.admin.password}
 * it also serves the operator console under its path ({@code _status}, {@code _dashboard}, {@code _metrics}).
 *
 * <pre>{@code
 * <filter>
 *   <filter-name>aurora-webhooks</filter-name>
 *   <filter-class>org.aurorawebhooks.AuroraWebhookFilter</filter-class>
 *   <init-param><param-name>aurora.webhooks.auth.header-name</param-name><param-value>X-Aurora-Token</param-value></init-param>
 * </filter>
 * <filter-mapping><filter-name>aurora-webhooks</filter-name><url-pattern>/*</url-pattern></filter-mapping>
 * }</pre>
 *
 * <p>The database is opened lazily: if it is down at start-up the host app still starts, webhook
 * requests get 503 with {@code Retry-After}, and the schema is migrated once it is reachable.
 */
public final class AuroraWebhookFilter implements Filter {
    private static final Logger log = LoggerFactory.getLogger(AuroraWebhookFilter.class);

    private Database database;
    private EventWriter writer;
    private HandlerDispatcher dispatcher;
    private Retention retention;
    private WebhookEndpoint endpoint;
    private Console console;
    private final List<FilterExtension> extensions = new ArrayList<>();

    @Override
    public void init(FilterConfig config) throws ServletException {
        logRegistration(config);
        try {
            Settings settings = Settings.load(List.of(
                    ConfigSource.of("filter init-param", params(Collections.list(config.getInitParameterNames()), config::getInitParameter)),
                    ConfigSource.of("context init-param", contextParams(config.getServletContext()))));
            start(settings, config.getServletContext());
        } catch (ConfigException e) {
            destroy();
            // One line an operator can act on (the message names the key, its source and what is expected);
            // the container adds its own report with the stack trace of the exception below.
            log.error("aurora-webhooks cannot start: {}", e.getMessage());
            throw new ServletException("aurora-webhooks cannot start: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            destroy();
            log.error("aurora-webhooks cannot start: {}", e.toString(), e);
            throw new ServletException("aurora-webhooks cannot start: " + e, e);
        }
    }

    /**
     * Says how this filter came to be registered. A registration that only the jar's web fragment made
     * is fragile: a host that later sets {@code metadata-complete="true"} in {@code web.xml} loses it
     * without a word from any code of ours, so that case is a warning now, while our code still runs.
     */
    private static void logRegistration(FilterConfig config) {
        ServletContext context = config.getServletContext();
        Object registration = context == null ? null : context.getAttribute(FilterRegistrar.REGISTRATION_ATTRIBUTE);
        if (registration != null) {
            log.info("aurora-webhooks: filter \"{}\" {}", config.getFilterName(), registration);
        } else if ("web-fragment.xml".equals(config.getInitParameter(FilterRegistrar.DECLARED_IN_PARAM))) {
            log.warn("aurora-webhooks: filter \"{}\" is registered by the web-fragment.xml of aurora-webhooks.jar alone: "
                    + "this container ran no ServletContainerInitializer (on Jetty 12, the ee10-annotations module is off), "
                    + "so metadata-complete=\"true\" in web.xml would silently unregister it and deliveries would reach "
                    + "your app unrecorded. Unless web.xml declares the filter already, declare it there (README, "
                    + "\"Drop it into your webapp\")", config.getFilterName());
        } else {
            log.info("aurora-webhooks: filter \"{}\" declared in web.xml or by the host's code (no "
                    + "ServletContainerInitializer ran)", config.getFilterName());
        }
    }

    private void start(Settings settings, ServletContext context) {
        for (String unknown : settings.unknownKeys()) {
            log.warn("aurora-webhooks: unknown configuration key, ignored: {}", unknown);
        }
        Authenticator authenticator = Authenticator.from(settings);
        List<FilterExtension> found = new ArrayList<>();
        for (FilterExtension extension : ServiceLoader.load(FilterExtension.class, AuroraWebhookFilter.class.getClassLoader())) {
            extension.validate(settings); // before the database is opened: a bad setting creates nothing
            found.add(extension);
        }
        HandlerRegistry handlers = context == null ? new HandlerRegistry() : HandlerRegistry.of(context);
        handlers.loadServices(context == null ? Thread.currentThread().getContextClassLoader() : context.getClassLoader());
        database = Database.open(settings);
        writer = new EventWriter(database, settings.repeatWindow(), java.time.Clock.systemUTC(), handlers);
        EndpointTraffic traffic = new EndpointTraffic(java.time.Clock.systemUTC(), EventCatalog.aurora().names(),
                EndpointTraffic.knownReasons());
        endpoint = new WebhookEndpoint(settings, authenticator, EventCatalog.aurora(), writer, traffic);
        log.info("aurora-webhooks: listening on {}/<event> with authentication {}; configuration:\n{}",
                settings.webhooksPath(), authenticator.describe(), settings.describe());
        try {
            database.ensureMigrated();
        } catch (DatabaseUnavailableException e) {
            log.warn("aurora-webhooks: the database is not available yet ({}); webhook requests get 503 until it is",
                    e.getMessage());
        }
        dispatcher = new HandlerDispatcher(database, handlers, settings.handlerWorkers(), settings.retrySchedule(),
                settings.handlerTimeout(), java.time.Clock.systemUTC());
        dispatcher.start();
        if (settings.eventRetention().isPresent()) {
            retention = new Retention(database, settings.eventRetention().get(), java.time.Clock.systemUTC());
            retention.start();
        } else {
            log.info("aurora-webhooks: aurora.retention.events is off: recorded events and handler deliveries are kept");
        }
        for (FilterExtension extension : found) {
            try {
                extension.start(settings, database);
                extensions.add(extension);
            } catch (ConfigException e) {
                throw e;
            } catch (RuntimeException e) {
                // Background work failing must not take the host app down with it; recording goes on.
                log.error("aurora-webhooks: {} could not start; deliveries are still recorded",
                        extension.getClass().getSimpleName(), e);
            }
        }
        List<FilterExtension> started = List.copyOf(extensions);
        console = new Console(settings, database, traffic, EventCatalog.aurora().names(),
                () -> started.stream().map(FilterExtension::reconcileRuns).flatMap(java.util.Optional::stream).findFirst(),
                java.time.Clock.systemUTC());
        log.info("aurora-webhooks: operator console {}", console.open()
                ? "at " + settings.webhooksPath() + "/_dashboard, _status and _metrics (HTTP basic, " + Key.ADMIN_USERNAME.key() + ")"
                : "closed: its paths answer 404 until " + Key.ADMIN_USERNAME.key() + " and " + Key.ADMIN_PASSWORD.key() + " are set");
    }

    private static Map<String, String> params(List<String> names, java.util.function.Function<String, String> get) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : names) {
            values.put(name, get.apply(name));
        }
        return values;
    }

    private static Map<String, String> contextParams(ServletContext context) {
        return context == null ? Map.of() : params(Collections.list(context.getInitParameterNames()), context::getInitParameter);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        WebhookEndpoint webhooks = endpoint;
        Console operator = console;
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse httpResponse
                && webhooks != null && operator != null) {
            // The console's paths first: they never reach the event parser.
            if (operator.handle(http, httpResponse) || webhooks.handle(http, httpResponse)) {
                return;
            }
        }
        chain.doFilter(request, response);
    }

    @Override
    public void destroy() {
        for (FilterExtension extension : extensions) {
            try {
                extension.stop();
            } catch (RuntimeException e) {
                log.warn("aurora-webhooks: stopping {} failed", extension.getClass().getSimpleName(), e);
            }
        }
        extensions.clear();
        if (retention != null) {
            retention.close();
            retention = null;
        }
        if (console != null) {
            console.close();
            console = null;
        }
        if (dispatcher != null) {
            dispatcher.close();
            dispatcher = null;
        }
        if (writer != null) {
            writer.close();
            writer = null;
        }
        if (database != null) {
            database.close();
            database = null;
            deregisterOwnDrivers();
        }
        endpoint = null;
    }

    /**
     * JDBC drivers register themselves with the JVM-wide DriverManager; one loaded from this webapp's
     * class loader would pin the whole webapp in memory after an undeploy. Outside a webapp (the
     * library on the application class path) other code may share the drivers, so they stay.
     */
    private static void deregisterOwnDrivers() {
        ClassLoader ours = AuroraWebhookFilter.class.getClassLoader();
        if (ours == ClassLoader.getSystemClassLoader()) {
            return;
        }
        for (java.sql.Driver driver : Collections.list(java.sql.DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == ours) {
                try {
                    java.sql.DriverManager.deregisterDriver(driver);
                } catch (java.sql.SQLException e) {
                    log.debug("aurora-webhooks: could not deregister {}", driver.getClass().getName(), e);
                }
            }
        }
    }
}
