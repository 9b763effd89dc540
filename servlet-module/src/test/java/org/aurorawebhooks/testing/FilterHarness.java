package org.aurorawebhooks.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.aurorawebhooks.AuroraWebhookFilter;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jdbi.v3.core.Jdbi;

/**
 * A real Jetty 12 on a loopback port: a host app under {@code /app} (or another context path, the root
 * included) whose own servlet answers {@code host:<path>}, with {@link AuroraWebhookFilter} in front of it,
 * configured by init-params.
 */
public final class FilterHarness implements AutoCloseable {
    private final Server server;
    private final int port;
    private final Map<String, String> config;
    /** "" for the root context, else "/app" and the like. */
    private final String contextPath;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A host servlet standing for the integrator's own app. */
    public static final class HostServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().print("host:" + req.getMethod() + " " + req.getRequestURI());
        }
    }

    private FilterHarness(String contextPath, Map<String, String> config) throws Exception {
        this.config = config;
        this.contextPath = contextPath;
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(contextPath.isEmpty() ? "/" : contextPath);
        context.addServlet(new ServletHolder(new HostServlet()), "/*");
        FilterHolder filter = new FilterHolder(AuroraWebhookFilter.class);
        filter.setInitParameters(config);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    /** Starts Jetty with the filter configured by {@code config} (init-params). */
    public static FilterHarness start(Map<String, String> config) throws Exception {
        return startAt("/app", config);
    }

    /** As {@link #start}, with the webapp at {@code contextPath} ({@code ""} for the root context). */
    public static FilterHarness startAt(String contextPath, Map<String, String> config) throws Exception {
        FilterHarness harness = new FilterHarness(contextPath, config);
        if (!harness.server.isStarted()) {
            throw new IllegalStateException("Jetty did not start");
        }
        return harness;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port + contextPath;
    }

    /** True when the webapp started (a filter that throws in init() leaves the context unavailable). */
    public boolean contextAvailable() {
        ServletContextHandler handler = (ServletContextHandler) server.getHandler();
        return handler.isAvailable();
    }

    public HttpResponse<String> send(String method, String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        return send("GET", pathAndQuery, headers);
    }

    /** A raw HTTP/1.1 request line target (not checked by any client library); returns the whole response. */
    public String raw(String method, String target, String... headers) throws IOException {
        return rawTarget(method, contextPath + target, headers);
    }

    /** As {@link #raw}, with the request target sent exactly as given: no context path is put in front. */
    public String rawTarget(String method, String target, String... headers) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public Jdbi jdbi() {
        return Jdbi.create(config.get("aurora.db.url"));
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }
}
