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
 *   <tr><td>c</td><td>the same as b, with its own database file</td><td>{@code /app/host/page?lead_id=...}
 *       (not a webhook path: the filter passes it on)</td></tr>
 *   <tr><td>c0</td><td>c without the filter</td><td>{@code /app/host/page?lead_id=...}</td></tr>
 * </table>
 *
 * <p>Usage: {@code BenchServer <directory for the database files> <header value>}; the credential is
 * sent in {@value #AUTH_HEADER}. Prints {@code ports a=... b=... c=... c0=...} and {@code ready} on
 * standard output; on SIGTERM it stops the servers (the filter commits what is queued), then prints
 * {@code stored=N}, the number of rows in b's database, so the script can check that every
 * acknowledged delivery is there.
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
        if (args.length != 2) {
            System.err.println("usage: BenchServer <database directory> <header value>");
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

        Server a = server(bare());
        Server b = server(host(filterConfig(dbB, token)));
        Server c = server(host(filterConfig(dbC, token)));
        Server c0 = server(host(null));
        Server[] all = {a, b, c, c0};
        for (Server s : all) {
            s.start();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Server s : all) {
                try {
                    s.stop();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }
            System.out.println("stored=" + countRows(dbB));
            System.out.flush();
        }, "bench-shutdown"));
        System.out.println("ports a=" + port(a) + " b=" + port(b) + " c=" + port(c) + " c0=" + port(c0));
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }

    private static Map<String, String> filterConfig(Path db, String token) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("aurora.db.url", "jdbc:sqlite:" + db);
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

    private static long countRows(Path db) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
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
