package org.aurorawebhooks.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.aurorawebhooks.dropin.shop.ShopLeadCounter;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.simulator.TestSimulator;
import org.aurorawebhooks.testing.TestDatabases;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stopping a webapp with the drop-in jar, the lead sync, the reconcile schedule and a handler of the webapp's
 * on, while a reconcile pass is running: every thread the library started (the handler threads included) has ended by the time Tomcat checks (so Tomcat
 * reports no leaked thread), the pass is recorded {@code interrupted}, and the lock is free.
 */
class DropInStopIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path root;
    private String db;

    /** Collects what Tomcat's class loader says about a stopping webapp (it warns of threads left running). */
    private static final class Captured extends Handler {
        final List<String> messages = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                Object[] params = record.getParameters();
                String text = record.getMessage();
                if (params != null) {
                    text = java.text.MessageFormat.format(text, params);
                }
                messages.add(text);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private List<String> column(String sql) throws SQLException {
        try (Connection c = TestDatabases.inspect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    /**
     * Polls (up to 60 s) until the condition holds. It asks the simulated Aurora, never the database: on
     * SQLite the test and the webapp load two copies of the SQLite library, and two copies in one process
     * touching one file while it is being written can corrupt it (SQLite's own warning about POSIX locks).
     */
    private static void await(String what, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    /** The shop's count of handled deliveries, from its own page (see ShopLedger). */
    private static int handled(String shopPage) {
        try {
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(shopPage)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(page.body()).get("handled").asInt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).sorted().toList();
    }

    /** On SQLite the schedule keeps its triggers in memory; on PostgreSQL Quartz runs clustered on the database. */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void stoppingTheWebappDuringAReconcileLeavesNoThreadRecordsTheRunInterruptedAndFreesTheLock(String database)
            throws Exception {
        db = database.equals("sqlite") ? "jdbc:sqlite:" + root.resolve("shop-events.db")
                : TestDatabases.freshPostgres().get("aurora.db.url");
        Captured tomcatWarnings = new Captured();
        Logger loaderLog = Logger.getLogger("org.apache.catalina.loader");
        loaderLog.addHandler(tomcatWarnings);
        try (SimulatedAurora aurora = SimulatedAurora.start(TestSimulator.options()
                .withRequestsPerMinute(60_000).withAutoFire(false))) {
            aurora.seedLeads(400);
            aurora.delay(20); // a pass of 400 fetches takes long enough to be stopped in the middle
            Map<String, String> params = HostWebapp.sqliteConfig(root);
            params.put("aurora.db.url", db);
            params.put("aurora.api.base-url", aurora.baseUrl());
            params.put("aurora.api.tenant-id", aurora.tenantId());
            params.put("aurora.api.token", aurora.token());
            params.put("aurora.api.requests-per-minute", "60000");
            params.put("aurora.reconciler.cron", "* * * * * ?");
            // A handler of the shop's, so that the handler threads are running when the webapp stops.
            HostWebapp webapp = HostWebapp.assemble(root, params, List.of(ShopLeadCounter.class));

            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(Files.createDirectories(root.resolve("tomcat")).toString());
            Connector connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            tomcat.setAddDefaultWebXmlToWebapp(false);
            Context context = tomcat.addWebapp("/shop", webapp.dir().toString());
            context.setParentClassLoader(new ContainerClassLoader());
            StandardJarScanner jarScanner = new StandardJarScanner();
            jarScanner.setScanClassPath(false);
            context.setJarScanner(jarScanner);
            ClassLoader webappLoader;
            try {
                tomcat.start();
                assertEquals(LifecycleState.STARTED, context.getState());
                webappLoader = context.getLoader().getClassLoader();

                // A delivery keeps the lead sync busy too; then wait for a pass in the middle of its work.
                String lead = aurora.createLead();
                HttpResponse<String> delivered = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + connector.getLocalPort() + "/shop/aurora/webhooks/lead_created?lead_id=" + lead + "&source=api"))
                        .header(HostWebapp.TOKEN_HEADER, HostWebapp.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, delivered.statusCode(), delivered.body());
                String shopPage = "http://127.0.0.1:" + connector.getLocalPort() + "/shop/";
                await("the shop's handler handling the lead_created", () -> handled(shopPage) == 1);
                assertTrue(threadNames().stream().anyMatch(n -> n.startsWith("aurora-handler-")),
                        "handler threads run before the stop: " + threadNames());
                // Only a reconcile pass lists leads: once it has, and fetched a few more, it is in the middle of its work.
                await("a reconcile pass listing leads", () -> aurora.listLeadsCalls() > 0);
                long before = aurora.retrieveLeadCalls();
                await("the pass fetching leads", () -> aurora.retrieveLeadCalls() >= before + 5);
            } finally {
                tomcat.stop();
                tomcat.destroy();
            }

            List<String> left = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                // Tomcat's own rule: a thread with the webapp's context class loader is the webapp's, except
                // the JVM's shared ones in the "system" group (the JDK's process reaper, started by a driver).
                ThreadGroup group = t.getThreadGroup();
                boolean jvms = group != null && group.getName().equals("system");
                // The simulated Aurora, which this test still runs, names its threads aurora-simulator-*.
                boolean ours = t.getName().startsWith("aurora-") && !t.getName().startsWith("aurora-simulator-");
                if (t.isAlive() && ((t.getContextClassLoader() == webappLoader && !jvms) || ours)) {
                    left.add(t.getName());
                }
            }
            assertEquals(List.of(), left, "threads of the stopped webapp");
            assertEquals(List.of(), tomcatWarnings.messages.stream()
                    .filter(m -> m.contains("started a thread")).toList(), "Tomcat's leak warnings");
            assertEquals(List.of(), column("SELECT id FROM aurora_reconcile_runs WHERE outcome = 'running'"));
            List<String> interrupted = column("SELECT error FROM aurora_reconcile_runs WHERE outcome = 'interrupted'");
            assertEquals(1, interrupted.size(), "the pass in progress was recorded as interrupted");
            assertTrue(interrupted.get(0).contains("stopped"), interrupted.get(0));
            assertEquals(List.of(), column("SELECT holder FROM aurora_locks WHERE name = 'reconcile'"), "the lock is free");
        } finally {
            loaderLog.removeHandler(tomcatWarnings);
        }
    }
}
