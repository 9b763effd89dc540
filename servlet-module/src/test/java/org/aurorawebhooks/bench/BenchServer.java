package org.aurorawebhooks.bench;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.aurorawebhooks.AuroraWebhookFilter;
import org.aurorawebhooks.testing.FilterHarness;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Not a test: the servers that {@code bench/run.sh} loads, all in one JVM, each a Jetty 12 with its
 * defaults on its own loopback port.
 *
 * <table>
 *   <caption>Cases</caption>
 *   <tr><th>case</th><th>server</th><th>path loaded</th></tr>
 *   <tr><td>a</td><td>a bare servlet answering 200</td><td>{@code /?lead_id=...}</td></tr>
 *   <tr><td>b</td><td>host servlet under {@code /app} behind the filter, recording into SQLite (WAL,
 *       {@code synchronous=FULL}, the filter's default), commit before 200</td>
 *       <td>{@code /app/aurora/webhooks/lead_created?lead_id=...&source=api}</td></tr>
 *   <tr><td>bp</td><td>b recording into PostgreSQL (when a URL is given)</td><td>as b</td></tr>
 *   <tr><td>bm</td><td>b recording into MariaDB (when a URL is given)</td><td>as b</td></tr>
 *   <tr><td>c</td><td>the same as b, with its own database file</td><td>{@code /app/host/page?lead_id=...}
 *       (not a webhook path: the filter passes it on)</td></tr>
 *   <tr><td>c0</td><td>c without the filter</td><td>{@code /app/host/page?lead_id=...}</td></tr>
 * </table>
 *
 * <p>Usage: {@code BenchServer <directory for the database files> <header value> [PostgreSQL URL|-]
 * [MariaDB URL|-]}, each URL naming an empty database; the credential is sent in {@value #AUTH_HEADER}.
 * Prints {@code ports a=... b=... c=... c0=...} (and {@code bp=}, {@code bm=}) and {@code ready} on
 * standard output; on SIGTERM it stops the servers (the filter commits what is queued), then prints
 * {@code stored_b=N} (and {@code stored_bp=}, {@code stored_bm=}), the rows in each recording case's
 * database, so the script can check that every acknowledged delivery is there.
 */
public final class BenchServer {
    static final String AUTH_HEADER = "X-Aurora-Token";

    private BenchServer() {
    }

    /** Case a: the least a servlet can do. */
    public static final class OkServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final byte[] BODY = "ok".getBytes(StandardCharsets.US_ASCII);

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setStatus(200);
            resp.setContentType("text/plain");
            resp.setContentLength(BODY.length);
            resp.getOutputStream().write(BODY);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: BenchServer <database directory> <header value> [PostgreSQL URL|-] [MariaDB URL|-]");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]).toAbsolutePath());
        String token = args[1];
        Path dbB = dir.resolve("b.db");
        Path dbC = dir.resolve("c.db");
        for (Path p : new Path[] {dbB, dbC}) {
            if (Files.exists(p)) {
                throw new IllegalStateException(p + " already exists; the benchmark wants a fresh database");
            }
        }
        // case -> database URL of the recording cases, in report order
        Map<String, String> recording = new LinkedHashMap<>();
        recording.put("b", "jdbc:sqlite:" + dbB);
        if (args.length > 2 && !args[2].equals("-")) {
            recording.put("bp", args[2]);
        }
        if (args.length > 3 && !args[3].equals("-")) {
            recording.put("bm", args[3]);
        }

        Map<String, Server> servers = new LinkedHashMap<>();
        servers.put("a", server(bare()));
        recording.forEach((k, url) -> servers.put(k, server(host(filterConfig(url, token)))));
        servers.put("c", server(host(filterConfig("jdbc:sqlite:" + dbC, token))));
        servers.put("c0", server(host(null)));
        for (Server s : servers.values()) {
            s.start();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Server s : servers.values()) {
                try {
                    s.stop();
                } catch (Exception e) {
                    System.err.println("bench: stopping a server failed: " + e);
                }
            }
            recording.forEach((k, url) -> System.out.println("stored_" + k + "=" + countRows(url)));
            System.out.flush();
        }, "bench-shutdown"));
        StringBuilder ports = new StringBuilder("ports");
        servers.forEach((k, s) -> ports.append(' ').append(k).append('=').append(port(s)));
        System.out.println(ports);
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }

    private static Map<String, String> filterConfig(String dbUrl, String token) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("aurora.db.url", dbUrl);
        config.put("aurora.webhooks.auth.header-name", AUTH_HEADER);
        config.put("aurora.webhooks.auth.header-value", token);
        return config;
    }

    private static ServletContextHandler bare() {
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new OkServlet()), "/*");
        return context;
    }

    /** The host app of {@link FilterHarness}, with the filter in front when {@code filterConfig} is given. */
    private static ServletContextHandler host(Map<String, String> filterConfig) {
        ServletContextHandler context = new ServletContextHandler("/app");
        context.addServlet(new ServletHolder(new FilterHarness.HostServlet()), "/*");
        if (filterConfig != null) {
            FilterHolder filter = new FilterHolder(AuroraWebhookFilter.class);
            filter.setInitParameters(filterConfig);
            context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        return context;
    }

    private static Server server(ServletContextHandler handler) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler);
        return server;
    }

    private static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private static long countRows(String db) {
        try (Connection c = DriverManager.getConnection(db);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM aurora_webhook_events")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            System.err.println("cannot count the stored deliveries in " + db + ": " + e.getMessage());
            return -1;
        }
    }
}
