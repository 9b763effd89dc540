package org.aurorawebhooks.handlers;

import static org.aurorawebhooks.handlers.HandlerTests.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.AuroraHandlers;
import org.aurorawebhooks.AuroraWebhookFilter;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.aurorawebhooks.testing.TestSecrets;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * Both ways of registering a handler, through the real filter on a real Jetty: a ServletContextListener calling
 * AuroraHandlers.register, and META-INF/services in the webapp's class loader (a loader of this test's own, so
 * the services file reaches no other test's webapp).
 */
class HandlerRegistrationFilterTest {
    private static final String TOKEN_HEADER = "X-Aurora-Token";
    private static final String TOKEN = TestSecrets.fresh("webhook-token");

    /** Listed in the webapp's META-INF/services; the registry holds the instance ServiceLoader made. */
    public static final class FromServices implements AuroraEventHandler {
        final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void handle(AuroraEvent event) {
            seen.add(event.type() + "/" + event.subject().orElse("-"));
        }

        @Override
        public String name() {
            return "from-services";
        }
    }

    /** Registered by the host's start-up code. */
    static final class FromCode implements AuroraEventHandler {
        final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        private final String name;

        FromCode(String name) {
            this.name = name;
        }

        @Override
        public void handle(AuroraEvent event) {
            seen.add(event.type() + "/" + event.subject().orElse("-"));
        }

        @Override
        public String name() {
            return name;
        }
    }

    /** A webapp (not started) with the filter, a listener registering {@code fromCode}, and {@code FromServices} in its services. */
    private static Server webapp(Map<String, String> config, AuroraEventHandler fromCode) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/app");
        context.setClassLoader(servicesLoader());
        context.addEventListener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent e) {
                AuroraHandlers.register(e.getServletContext(), fromCode);
            }
        });
        context.addServlet(new ServletHolder(new FilterHarness.HostServlet()), "/*");
        FilterHolder filter = new FilterHolder(AuroraWebhookFilter.class);
        filter.setInitParameters(config);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        return server;
    }

    /** A class loader over the test's classes that adds META-INF/services naming {@link FromServices}. */
    private static URLClassLoader servicesLoader() throws java.io.IOException {
        Path root = Files.createTempDirectory("aurora-services-");
        Path dir = root.resolve("META-INF/services");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(AuroraEventHandler.class.getName()), FromServices.class.getName() + "\n");
        return new URLClassLoader(new URL[] {root.toUri().toURL()}, HandlerRegistrationFilterTest.class.getClassLoader());
    }

    private static Map<String, String> config() {
        Map<String, String> config = new HashMap<>(TestDatabases.fresh(Kind.SQLITE));
        config.put("aurora.webhooks.auth.header-name", TOKEN_HEADER);
        config.put("aurora.webhooks.auth.header-value", TOKEN);
        return config;
    }

    @Test
    void aWebhookReachesAHandlerRegisteredByCodeAndOneListedInMetaInfServices() throws Exception {
        FromCode fromCode = new FromCode("from-code");
        Server server = webapp(config(), fromCode);
        try {
            server.start();
            ServletContextHandler context = (ServletContextHandler) server.getHandler();
            assertTrue(context.isAvailable());
            int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + port + "/app/aurora/webhooks/lead_created?lead_id=L-77&source=web"))
                    .header(TOKEN_HEADER, TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            FromServices fromServices = (FromServices) HandlerRegistry.of(context.getServletContext())
                    .byName("from-services").orElseThrow();
            await(() -> fromCode.seen.size() == 1 && fromServices.seen.size() == 1, "both handlers called");
            assertEquals(List.of("lead_created/L-77"), fromCode.seen);
            assertEquals(List.of("lead_created/L-77"), fromServices.seen);
        } finally {
            server.stop();
        }
    }

    @Test
    void twoHandlersWithOneNameFailStartUpNamingBoth() throws Exception {
        Server server = webapp(config(), new FromCode("from-services"));
        try {
            Exception e = assertThrows(Exception.class, server::start);
            assertEquals("aurora-webhooks cannot start: two handlers are named \"from-services\" ("
                    + FromCode.class.getName() + " and " + FromServices.class.getName() + " from META-INF/services): "
                    + "deliveries are tracked by name, so each handler needs its own (override name())", e.getMessage());
            assertFalse(((ServletContextHandler) server.getHandler()).isAvailable());
        } finally {
            server.stop();
        }
    }
}
