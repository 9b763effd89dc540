package org.aurorawebhooks.bench;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.AuroraHandlers;
import org.aurorawebhooks.AuroraWebhookFilter;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.aurorawebhooks.testing.FilterHarness;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Not a test: the servers that {@code bench/handlers.sh} loads, all in one JVM, each a Jetty 12 with the
 * filter under {@code /app}, per database: an ingest-only one (no handler) and one with a no-op handler
 * registered through {@link AuroraHandlers#register} from a {@code ServletContextListener}, each on its own
 * fresh database.
 *
 * <p>Cases: {@code s} / {@code sh} SQLite without / with the handler, {@code p} / {@code ph} PostgreSQL,
 * {@code m} / {@code mh} MariaDB (the last four when URLs are given).
 *
 * <p>What the handler measures, per call, for events whose {@code lead_id} it has seen acknowledged:
 * <ul>
 *   <li><b>ack → call</b>: from the moment the filter returned its 200 on the request thread (the event is
 *       committed before that) to the start of the handler's call, both {@link System#nanoTime()} in this
 *       JVM. A bench filter in front of the library's filter notes the first, the handler the second, matched
 *       by {@code lead_id} (each request carries its own); when the call comes first (the dispatcher can be
 *       woken before the request thread writes its answer) the latency counts as 0.</li>
 *   <li><b>received → call</b>: from the event's {@code receivedAt()} (the {@code received_at} column, taken
 *       on the request thread just before the write, so it includes the ingest transaction) to the call, on
 *       the wall clock, at the column's precision.</li>
 * </ul>
 * {@code GET /app/bench/stats} on a case's port answers one line: {@code handled=N ack_n= ack_p50_us=
 * ack_p99_us= ack_max_us= rcv_p50_us= rcv_p99_us= pending= retrying= dead= done=} (the counts from
 * {@code aurora_handler_deliveries}); {@code /app/bench/stats?counts=0} leaves the table alone;
 * {@code GET /app/bench/reset} forgets the latencies recorded so far (not the count handled).
 *
 * <p>Usage: {@code HandlerBenchServer <database directory> <header value> [PG ingest-only URL|-]
 * [PG handler URL|-] [MariaDB ingest-only URL|-] [MariaDB handler URL|-]}. Prints {@code ports s=... sh=...}
 * and {@code ready}.
 */
public final class HandlerBenchServer {
    private HandlerBenchServer() {
    }

    /** Latencies in microseconds, recorded without locks; the first {@code capacity} after a reset count. */
    static final class Recorder {
        private final long[] values;
        private final AtomicInteger next = new AtomicInteger();

        Recorder(int capacity) {
            values = new long[capacity];
        }

        void record(long micros) {
            int i = next.getAndIncrement();
            if (i < values.length) {
                values[i] = micros;
            }
        }

        void reset() {
            next.set(0);
        }

        /** count p50 p99 max, in microseconds. */
        long[] summary() {
            int n = Math.min(next.get(), values.length);
            long[] copy = Arrays.copyOf(values, n);
            Arrays.sort(copy);
            if (n == 0) {
                return new long[] {0, -1, -1, -1};
            }
            return new long[] {n, copy[(int) Math.min(n - 1, Math.ceil(n * 0.50) - 1)],
                    copy[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)], copy[n - 1]};
        }
    }

    /** One case with a handler: its probe and what the handler saw. */
    static final class Probe {
        /** lead_id -> nanoTime of the 200 (positive) or of the call (stored as its bitwise complement). */
        private final ConcurrentHashMap<String, Long> pending = new ConcurrentHashMap<>();
        final Recorder ackToCall = new Recorder(8_000_000);
        final Recorder receivedToCall = new Recorder(8_000_000);
        final AtomicLong handled = new AtomicLong();

        void acknowledged(String leadId, long nanos) {
            pending.compute(leadId, (k, v) -> {
                if (v == null) {
                    return nanos;
                }
                if (v < 0) { // the call came first
                    ackToCall.record(0);
                    return null;
                }
                return nanos; // a repeat of an id: keep the newest
            });
        }

        void called(String leadId, long nanos) {
            pending.compute(leadId, (k, v) -> {
                if (v == null) {
                    return ~nanos;
                }
                if (v >= 0) {
                    ackToCall.record(Math.max(0, (nanos - v) / 1_000));
                    return null;
                }
                return v;
            });
        }
    }

    /** The no-op handler. */
    static final class NoOpHandler implements AuroraEventHandler {
        private final Probe probe;

        NoOpHandler(Probe probe) {
            this.probe = probe;
        }

        @Override
        public void handle(AuroraEvent event) {
            long nanos = System.nanoTime();
            Instant now = Instant.now();
            probe.handled.incrementAndGet();
            probe.receivedToCall.record(Math.max(0, Duration.between(event.receivedAt(), now).toNanos() / 1_000));
            event.attribute("lead_id").ifPresent(id -> probe.called(id, nanos));
        }

        @Override
        public String name() {
            return "bench-noop";
        }
    }

    /** In front of the library's filter: notes when a webhook's 200 was written (after its commit). */
    static final class AckFilter implements Filter {
        private final Probe probe;

        AckFilter(Probe probe) {
            this.probe = probe;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain) throws IOException, ServletException {
            chain.doFilter(req, resp);
            HttpServletRequest http = (HttpServletRequest) req;
            if (((HttpServletResponse) resp).getStatus() == 200 && http.getRequestURI().contains("/aurora/webhooks/")) {
                String leadId = http.getParameter("lead_id");
                if (leadId != null) {
                    probe.acknowledged(leadId, System.nanoTime());
                }
            }
        }
    }

    /** {@code /bench/stats} and {@code /bench/reset}. */
    static final class StatsServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Probe probe;
        private final transient Database database;

        StatsServlet(Probe probe, Database database) {
            this.probe = probe;
            this.database = database;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            StringBuilder out = new StringBuilder();
            if (req.getRequestURI().endsWith("/reset")) {
                probe.ackToCall.reset();
                probe.receivedToCall.reset();
                out.append("reset");
            } else {
                long[] ack = probe.ackToCall.summary();
                long[] rcv = probe.receivedToCall.summary();
                out.append("handled=").append(probe.handled.get())
                        .append(" ack_n=").append(ack[0]).append(" ack_p50_us=").append(ack[1])
                        .append(" ack_p99_us=").append(ack[2]).append(" ack_max_us=").append(ack[3])
                        .append(" rcv_p50_us=").append(rcv[1]).append(" rcv_p99_us=").append(rcv[2]);
                if (!"0".equals(req.getParameter("counts"))) {
                    long pendingRows = 0;
                    long retrying = 0;
                    long dead = 0;
                    long done = 0;
                    HandlerDeliveries table = new HandlerDeliveries(database.dialect());
                    for (HandlerDeliveries.HandlerCounts c : database.jdbi().withHandle(table::counts)) {
                        pendingRows += c.pending();
                        retrying += c.retrying();
                        dead += c.dead();
                        done += c.done();
                    }
                    out.append(" pending=").append(pendingRows).append(" retrying=").append(retrying)
                            .append(" dead=").append(dead).append(" done=").append(done);
                }
            }
            byte[] body = (out + "\n").getBytes(StandardCharsets.US_ASCII);
            resp.setStatus(200);
            resp.setContentType("text/plain");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 6) {
            System.err.println("usage: HandlerBenchServer <database directory> <header value> [PG URL|-] [PG URL|-] "
                    + "[MariaDB URL|-] [MariaDB URL|-]");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]).toAbsolutePath());
        String token = args[1];
        // case -> database URL, in report order
        Map<String, String> cases = new LinkedHashMap<>();
        for (String k : new String[] {"s", "sh"}) {
            Path db = dir.resolve(k + ".db");
            if (Files.exists(db)) {
                throw new IllegalStateException(db + " already exists; the benchmark wants a fresh database");
            }
            cases.put(k, "jdbc:sqlite:" + db);
        }
        String[] names = {"p", "ph", "m", "mh"};
        for (int i = 0; i < names.length; i++) {
            if (args.length > i + 2 && !args[i + 2].equals("-")) {
                cases.put(names[i], args[i + 2]);
            }
        }
        Map<String, Server> servers = new LinkedHashMap<>();
        Map<String, Database> databases = new LinkedHashMap<>();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Map<String, String> config = new LinkedHashMap<>();
            config.put("aurora.db.url", c.getValue());
            config.put("aurora.webhooks.auth.header-name", BenchServer.AUTH_HEADER);
            config.put("aurora.webhooks.auth.header-value", token);
            if (System.getenv("BENCH_WORKERS") != null) {
                config.put("aurora.handlers.workers", System.getenv("BENCH_WORKERS"));
            }
            ServletContextHandler context = new ServletContextHandler("/app");
            context.addServlet(new ServletHolder(new FilterHarness.HostServlet()), "/*");
            if (c.getKey().endsWith("h")) {
                Probe probe = new Probe();
                Database counts = Database.open(Settings.of(Map.of("aurora.db.url", c.getValue())));
                databases.put(c.getKey(), counts);
                context.addServlet(new ServletHolder(new StatsServlet(probe, counts)), "/bench/*");
                context.addFilter(new FilterHolder(new AckFilter(probe)), "/*", EnumSet.of(DispatcherType.REQUEST));
                NoOpHandler handler = new NoOpHandler(probe);
                context.addEventListener(new ServletContextListener() {
                    @Override
                    public void contextInitialized(ServletContextEvent e) {
                        AuroraHandlers.register(e.getServletContext(), handler);
                    }
                });
            }
            FilterHolder filter = new FilterHolder(AuroraWebhookFilter.class);
            filter.setInitParameters(config);
            context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            server.setHandler(context);
            servers.put(c.getKey(), server);
        }
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
            databases.values().forEach(Database::close);
        }, "bench-shutdown"));
        StringBuilder ports = new StringBuilder("ports");
        servers.forEach((k, s) -> ports.append(' ').append(k).append('=')
                .append(((ServerConnector) s.getConnectors()[0]).getLocalPort()));
        System.out.println(ports);
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }
}
