package org.aurorawebhooks.evidence.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.aurorawebhooks.evidence.servers.Webapp.Kind;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sample WAR, and a plain existing webapp with {@code aurora-webhooks.jar} dropped in and a handler of its
 * own, on a real standalone server started by the test (Debian's Tomcat 10.1, Jetty 12 from {@code jetty-home}):
 * deliveries are recorded and handled and the host's pages answer; then both are undeployed the way an operator
 * does it, and the server process is examined from outside: no thread of ours, no JDBC driver registered, no
 * database connection or file open, the webapps' class loaders collected, and none of the container's leak
 * warnings in its logs; then both are deployed again and work again, and the server stops cleanly.
 *
 * <p>Each server runs both kinds of webapp, each on one of the two databases (swapped between the servers), so
 * that every server, every kind and every database meets; PostgreSQL's connections are counted in
 * {@code pg_stat_activity} by an application name given to the webapp, SQLite's open files in {@code /proc}.
 */
class StandaloneServerIT {
    private static final int FIRST_DELIVERIES = 3;
    private static final Duration HANDLED_DEADLINE = Duration.ofMinutes(3);
    /**
     * How long the server may take to let go of an undeployed webapp's class loader: the JDK's own "process
     * reaper" thread, which SQLite's driver starts by running a command at load time, keeps the context class
     * loader of the thread that started it until it has been idle for a minute.
     */
    private static final Duration RELEASE_DEADLINE = Duration.ofMinutes(3);
    private static final String DRIVER_REGISTRATION = "java.sql.DriverInfo";

    /** The servers, and which database each kind of webapp uses on them. */
    enum Server {
        TOMCAT(TestDatabases.Kind.SQLITE, TestDatabases.Kind.POSTGRESQL),
        JETTY(TestDatabases.Kind.POSTGRESQL, TestDatabases.Kind.SQLITE);

        final TestDatabases.Kind sampleDatabase;
        final TestDatabases.Kind shopDatabase;

        Server(TestDatabases.Kind sampleDatabase, TestDatabases.Kind shopDatabase) {
            this.sampleDatabase = sampleDatabase;
            this.shopDatabase = shopDatabase;
        }

        StandaloneServer start(Path work, String runName) throws IOException, InterruptedException {
            return this == TOMCAT ? StandaloneTomcat.start(work, runName) : StandaloneJetty.start(work, runName);
        }
    }

    /** What the server JVM held at one moment. */
    private record Held(List<String> ourThreads, long driverRegistrations, long webappLoaders, List<String> ourClasses) {
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void sampleWarAndDropInWebappRecordHandleAndUndeployLeavingNothingBehind(Server kind) throws Exception {
        String runName = kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + System.currentTimeMillis();
        Path work = Path.of("target", "servers").toAbsolutePath();
        String apiToken = TestSecrets.fresh("servers-api-token");
        try (SimulatedAurora aurora = SimulatedAurora.start(SimulatedAurora.Options.defaults()
                .withRequestsPerMinute(60_000).withAutoFire(false).withCredentials("tenant-servers", apiToken));
             StandaloneServer server = kind.start(work, runName)) {
            List<Webapp> webapps = List.of(Webapp.create("sample", Kind.SAMPLE_WAR, kind.sampleDatabase, aurora),
                    Webapp.create("shop", Kind.DROP_IN_SHOP, kind.shopDatabase, aurora));
            List<String> baselineThreads = ServerJvm.threadNames(server.pid());
            Held baseline = held(server);

            for (Webapp webapp : webapps) {
                server.deploy(webapp);
            }
            Map<Webapp, List<String>> leads = new LinkedHashMap<>();
            for (Webapp webapp : webapps) {
                List<String> sent = new ArrayList<>();
                for (int i = 0; i < FIRST_DELIVERIES; i++) {
                    sent.add(deliver(server, webapp, aurora.createLead()));
                }
                leads.put(webapp, sent);
                assertRejectedWithoutCredential(server, webapp);
            }
            for (Webapp webapp : webapps) {
                assertRecordedHandledAndSynced(webapp, leads.get(webapp));
                assertHostPagesIntact(server, webapp, leads.get(webapp), leads.get(webapp).size());
            }

            // While deployed, every probe sees what it is to look for after the undeploy: it would see a leak.
            Held deployed = held(server);
            assertFalse(deployed.ourThreads().isEmpty(), "the webapps' threads are visible in the thread dump");
            assertTrue(deployed.driverRegistrations() > baseline.driverRegistrations(),
                    "the webapps' JDBC drivers are visible as registrations: " + deployed);
            assertEquals(baseline.webappLoaders() + webapps.size(), deployed.webappLoaders(), "one class loader per webapp");
            Map<Webapp, Integer> openWhileDeployed = new LinkedHashMap<>();
            for (Webapp webapp : webapps) {
                int open = openConnectionsOrFiles(server, webapp);
                assertTrue(open > 0, webapp.name() + "'s database connections or files are visible while deployed");
                openWhileDeployed.put(webapp, open);
            }

            for (Webapp webapp : webapps) {
                server.undeploy(webapp);
            }
            // Right when the container has finished: the library's threads must have ended by then (the moment a
            // container checks), its drivers be deregistered and its connections closed.
            Held undeployed = held(server);
            assertEquals(List.of(), undeployed.ourThreads(), "threads of ours still running when " + server.product()
                    + " had finished undeploying");
            assertEquals(baseline.driverRegistrations(), undeployed.driverRegistrations(),
                    "JDBC driver registrations (" + DRIVER_REGISTRATION + ") after the undeploy, against before the deploy");
            Map<Webapp, Integer> openAfterUndeploy = new LinkedHashMap<>();
            for (Webapp webapp : webapps) {
                openAfterUndeploy.put(webapp, awaitNothingOpen(server, webapp));
            }
            long releaseSeconds = awaitReleased(server, baselineThreads, baseline);
            List<String> warningsAfterUndeploy = server.leakWarnings();
            assertEquals(List.of(), warningsAfterUndeploy, server.product() + "'s warnings about the undeployed webapps");

            // Deployed again from the same files, on the same databases: deliveries work again.
            for (Webapp webapp : webapps) {
                server.deploy(webapp);
            }
            for (Webapp webapp : webapps) {
                leads.get(webapp).add(deliver(server, webapp, aurora.createLead()));
                assertRecordedHandledAndSynced(webapp, leads.get(webapp));
                // The shop's own count restarts with its new class loader: one lead booked since the redeploy.
                assertHostPagesIntact(server, webapp, leads.get(webapp), 1);
            }

            String version = server.version();
            int exit = server.stop();
            // 143: the JVM's exit after SIGTERM once its shutdown hooks (which stop the container) have run.
            assertTrue(exit == 0 || exit == 143, server.product() + " exited with " + exit + " after SIGTERM");
            List<String> warnings = server.leakWarnings();
            assertEquals(List.of(), warnings, server.product() + "'s leak warnings, the shutdown included");

            for (Webapp webapp : webapps) {
                int total = leads.get(webapp).size();
                ServersFigures.append(List.of(server.product(), version, webapp.kind().description, webapp.databaseName(),
                        FIRST_DELIVERIES + " / " + FIRST_DELIVERIES, total + " / " + total,
                        deployed.ourThreads().size() + " (both webapps) → " + undeployed.ourThreads().size(),
                        deployed.driverRegistrations() + " (both webapps) → " + undeployed.driverRegistrations(),
                        openWhileDeployed.get(webapp) + " → " + openAfterUndeploy.get(webapp),
                        "0 (" + releaseSeconds + " s after the undeploy)", String.valueOf(warnings.size())));
            }
        }
    }

    /** Sends one lead_created as Aurora does; returns the lead id after checking the 200 names a stored row. */
    private static String deliver(StandaloneServer server, Webapp webapp, String leadId) throws IOException {
        RawHttp.Answer answer = RawHttp.get(server.port(), webapp.contextPath() + "/aurora/webhooks/lead_created?lead_id="
                + leadId + "&source=api", Webapp.TOKEN_HEADER, webapp.token());
        assertEquals(200, answer.status(), webapp.name() + ": " + answer.body());
        assertTrue(answer.body().contains("\"id\":") && answer.body().contains("\"event\":\"lead_created\""),
                webapp.name() + ": not an answer of aurora-webhooks: " + answer.body());
        return leadId;
    }

    private static void assertRejectedWithoutCredential(StandaloneServer server, Webapp webapp) throws IOException {
        RawHttp.Answer answer = RawHttp.get(server.port(), webapp.contextPath()
                + "/aurora/webhooks/lead_created?lead_id=00000000-0000-0000-0000-000000000000&source=api");
        assertEquals(401, answer.status(), webapp.name() + ": " + answer.body());
    }

    /**
     * Every delivery is a row, in order; the webapp's handler is done with each (for the shop: its own row, written
     * in the delivery's transaction); the lead sync fetched each lead from the simulated Aurora.
     */
    private static void assertRecordedHandledAndSynced(Webapp webapp, List<String> leads) throws Exception {
        assertEquals(leads, column(webapp, "SELECT lead_id FROM aurora_webhook_events WHERE event_type = 'lead_created'"
                + " ORDER BY id"), webapp.name() + ": the recorded deliveries");
        awaitCount(webapp, "deliveries done by " + webapp.kind().handler, leads.size(),
                "SELECT count(*) FROM aurora_handler_deliveries WHERE status = 'done' AND handler = ?", webapp.kind().handler);
        if (webapp.kind() == Kind.DROP_IN_SHOP) {
            assertEquals(leads, column(webapp, "SELECT lead_id FROM shop_leads ORDER BY aurora_event_id"),
                    "the shop's own rows, committed with the done marks");
        }
        StringBuilder in = new StringBuilder();
        leads.forEach(l -> in.append(in.length() == 0 ? "" : ",").append('\'').append(l).append('\''));
        awaitCount(webapp, "leads fetched into aurora_leads", leads.size(),
                "SELECT count(*) FROM aurora_leads WHERE lead_id IN (" + in + ")");
    }

    /** The host's own pages answer as before, with what the host shows of the deliveries. */
    private static void assertHostPagesIntact(StandaloneServer server, Webapp webapp, List<String> leads, int bookedSinceStart)
            throws IOException {
        if (webapp.kind() == Kind.SAMPLE_WAR) {
            RawHttp.Answer home = RawHttp.get(server.port(), webapp.contextPath() + "/");
            assertEquals(200, home.status(), home.body());
            assertTrue(home.body().contains("Your existing app") && home.body().contains(leads.get(leads.size() - 1)),
                    "the sample's home page lists the latest delivery: " + home.body());
        } else {
            String page = webapp.contextPath() + "/catalog/panels";
            RawHttp.Answer answer = RawHttp.get(server.port(), page + "?page=2");
            assertEquals(200, answer.status(), answer.body());
            assertEquals("shop: GET " + page + " booked=" + bookedSinceStart, answer.body(), "the shop's own page");
        }
    }

    /** Open PostgreSQL connections of the webapp (by its application name), or the server's open SQLite files. */
    private static int openConnectionsOrFiles(StandaloneServer server, Webapp webapp) throws Exception {
        if (webapp.pgApplicationName() != null) {
            try (Connection c = DriverManager.getConnection(TestDatabases.postgresUrl());
                 PreparedStatement st = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
                st.setString(1, webapp.pgApplicationName());
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        }
        return ServerJvm.openFilesUnder(server.pid(), webapp.sqliteFile().getParent()).size();
    }

    /**
     * Waits (a minute at most: PostgreSQL drops a backend from pg_stat_activity a moment after its client has
     * closed) until nothing of the webapp's database is open; returns what was open at the first look.
     */
    private static int awaitNothingOpen(StandaloneServer server, Webapp webapp) throws Exception {
        int first = openConnectionsOrFiles(server, webapp);
        long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        int open = first;
        while (open > 0) {
            if (System.nanoTime() > end) {
                String what = webapp.pgApplicationName() != null ? "PostgreSQL connections named " + webapp.pgApplicationName()
                        : "SQLite files " + ServerJvm.openFilesUnder(server.pid(), webapp.sqliteFile().getParent());
                fail(open + " " + what + " still open a minute after " + webapp.name() + " was undeployed");
            }
            Thread.sleep(200);
            open = openConnectionsOrFiles(server, webapp);
        }
        return first;
    }

    /**
     * Waits until the server holds nothing more of the undeployed webapps than before they were deployed: no thread
     * that was not there before (but the container's and the JVM's pools), no webapp class loader, no instance of a
     * class of ours (the full collection of each look frees whatever only the webapps used). Returns the seconds it took.
     */
    private static long awaitReleased(StandaloneServer server, List<String> baselineThreads, Held baseline) throws Exception {
        long start = System.nanoTime();
        long end = start + RELEASE_DEADLINE.toNanos();
        while (true) {
            // A request on a new connection: the container's selector lets go of the last connection it served.
            RawHttp.get(server.port(), "/");
            List<String> lingering = new ArrayList<>(new TreeSet<>(ServerJvm.threadNames(server.pid())));
            lingering.removeAll(baselineThreads);
            lingering.removeIf(server::ignorableThread);
            Held now = held(server);
            if (lingering.isEmpty() && now.webappLoaders() == baseline.webappLoaders() && now.ourClasses().isEmpty()) {
                return Duration.ofNanos(System.nanoTime() - start).toSeconds();
            }
            if (System.nanoTime() > end) {
                Path dump = server.heapDump();
                fail(server.product() + " still holds the undeployed webapps " + RELEASE_DEADLINE.toMinutes() + " minutes later: threads "
                        + lingering + ", " + now.webappLoaders() + " webapp class loaders (" + baseline.webappLoaders()
                        + " before the deploy), live classes of ours " + now.ourClasses() + "; its heap: " + dump);
            }
            Thread.sleep(2_000);
        }
    }

    /** The threads of ours (every thread the library or its bundled libraries name carries "aurora"), drivers, loaders. */
    private static Held held(StandaloneServer server) throws IOException, InterruptedException {
        List<String> ours = ServerJvm.threadNames(server.pid()).stream().filter(n -> n.contains("aurora")).toList();
        Map<String, Long> live = ServerJvm.liveInstances(server.pid());
        List<String> ourClasses = live.keySet().stream().filter(c -> c.startsWith("org.aurorawebhooks.")).limit(10).toList();
        return new Held(ours, live.getOrDefault(DRIVER_REGISTRATION, 0L),
                live.getOrDefault(server.webappClassLoader(), 0L), ourClasses);
    }

    private static List<String> column(Webapp webapp, String sql) throws SQLException {
        try (Connection c = TestDatabases.inspect(webapp.inspectUrl()); PreparedStatement st = c.prepareStatement(sql);
             ResultSet rs = st.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    private static void awaitCount(Webapp webapp, String what, int expected, String sql, String... args) throws Exception {
        long end = System.nanoTime() + HANDLED_DEADLINE.toNanos();
        long seen;
        while (true) {
            try (Connection c = TestDatabases.inspect(webapp.inspectUrl()); PreparedStatement st = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    st.setString(i + 1, args[i]);
                }
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    seen = rs.getLong(1);
                }
            }
            if (seen == expected) {
                return;
            }
            if (System.nanoTime() > end) {
                fail(webapp.name() + ": timed out after " + HANDLED_DEADLINE.toMinutes() + " minutes waiting for " + expected
                        + " " + what + "; saw " + seen);
            }
            Thread.sleep(250);
        }
    }
}
