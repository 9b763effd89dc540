package org.aurorawebhooks.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.aurorawebhooks.evidence.OutageClients.Acknowledged;
import org.aurorawebhooks.evidence.OutageClients.Answer;
import org.aurorawebhooks.evidence.OutageClients.Delivery;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.testing.TcpProxy;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 9, item 2: the database goes away in the middle of a load, on the sample running as its own JVM
 * ({@code java -jar aurora-sample.jar}, demo traffic off) with a simulated Aurora in this JVM for its lead sync.
 * Four senders deliver webhooks as Aurora does, each retrying a delivery until it gets its 200, while two more
 * clients keep visiting the host app's own paths. Then the database fails: on SQLite, another process holds the
 * file's write lock, or the disk it lives on fills to the last byte; on PostgreSQL and MariaDB, the connection
 * to the server is cut (a {@link TcpProxy}; the shared servers keep running). Each run proves:
 * <ul>
 *   <li>the webhook paths answer 503 with {@code Retry-After} during the outage, and nothing but 200 or 503;</li>
 *   <li>the host's paths answer as usual throughout: its home page (which reads the library's tables itself)
 *       200 with its content, a path it has no page for the container's own 404;</li>
 *   <li>nothing acknowledged is lost: every 200 names a row of {@code aurora_webhook_events} holding exactly
 *       what was sent;</li>
 *   <li>without a restart, recording, the lead sync (leads created in Aurora after the outage reach
 *       {@code aurora_leads}) and the handlers (the sample's handler gets every lead event, done) resume, and
 *       the backlog drains: no lead left to fetch, every handler delivery done.</li>
 * </ul>
 * The in-process tests ({@code DatabaseOutageTest}, {@code HandlerOutageTest}) prove single requests and the
 * dispatcher alone; this one the whole app as a user runs it, under load. The figures of each run are written as
 * a Markdown table to {@code ${aurora.evidence.dir}/outage-<case>.md} for RELIABILITY.md.
 */
class DatabaseOutageIT {
    private static final String HEADER = "X-Aurora-Token";
    private static final int SENDERS = 4;
    /** Leads in the simulated Aurora that the load's lead events name. */
    private static final int LEADS = 40;
    /** Leads created in Aurora after the outage: their sync proves the lead sync resumed. */
    private static final int LEADS_AFTER = 5;
    private static final int ACKNOWLEDGED_BEFORE_OUTAGE = 300;
    /** How long each outage lasts once the first 503 showed it: a "while", not a threshold of anything. */
    private static final Duration HELD_AFTER_FIRST_503 = Duration.ofSeconds(8);
    /** Generous: the machine is shared with other builds. */
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    /** The failure under test, begun and ended mid-load; closing ends it if the test stopped halfway. */
    interface Outage extends AutoCloseable {
        /** What it is, for the figures. */
        String describe();

        /** Returns once the database is unusable for the sample. */
        void begin() throws Exception;

        /** Makes the database usable again. */
        void end() throws Exception;
    }

    @Test
    void sqliteFileLockedByAnotherProcessGets503sAndEverythingResumesWhenTheLockGoes() throws Exception {
        String url = TestDatabases.freshSqlite().get("aurora.db.url");
        Path file = Path.of(url.substring("jdbc:sqlite:".length()));
        try (LockedByAnotherProcess outage = new LockedByAnotherProcess(file)) {
            survives("sqlite-locked", url, url, outage);
        }
    }

    @Test
    void sqliteOnAFullDiskGets503sAndEverythingResumesWhenThereIsSpaceAgain() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(128)) {
            String url = "jdbc:sqlite:" + disk.dir().resolve("events.db");
            try (FullDisk outage = new FullDisk(disk)) {
                survives("sqlite-full-disk", url, url, outage);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void serverUnreachableGets503sAndEverythingResumesWhenItIsBack(Kind kind) throws Exception {
        String direct = TestDatabases.fresh(kind).get("aurora.db.url");
        URI server = URI.create(direct.substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(server.getHost(), server.getPort());
             ProxyCut outage = new ProxyCut(proxy)) {
            String proxied = direct.replace(server.getHost() + ":" + server.getPort(), "127.0.0.1:" + proxy.port());
            survives(kind.name().toLowerCase(Locale.ROOT) + "-cut", proxied, direct, outage);
        }
    }

    /**
     * The run every case shares.
     *
     * @param sampleDbUrl the sample's {@code aurora.db.url}
     * @param checkDbUrl where the test reads what was stored (not through the proxy)
     */
    private static void survives(String name, String sampleDbUrl, String checkDbUrl, Outage outage) throws Exception {
        String webhookToken = TestSecrets.fresh("outage-webhook");
        String apiToken = TestSecrets.fresh("outage-api");
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("aurora.sample.demo", "false");
        properties.put("aurora.db.url", sampleDbUrl);
        properties.put("aurora.webhooks.auth.header-name", HEADER);
        properties.put("aurora.reconciler.cron", "off"); // the lead sync alone fetches: what it does is what is measured
        properties.put("aurora.api.requests-per-minute", "6000");
        Map<String, String> environment = Map.of("AURORA_WEBHOOKS_AUTH_HEADER_VALUE", webhookToken, "AURORA_API_TOKEN", apiToken);
        try (SimulatedAurora aurora = SimulatedAurora.start(SimulatedAurora.Options.defaults().withAutoFire(false)
                .withRequestsPerMinute(6000).withCredentials("outage-tenant", apiToken))) {
            properties.put("aurora.api.base-url", aurora.baseUrl());
            properties.put("aurora.api.tenant-id", aurora.tenantId());
            List<String> leads = new ArrayList<>();
            for (int i = 0; i < LEADS; i++) {
                leads.add(aurora.createLead());
            }
            Figures figures = new Figures(name, outage.describe());
            try (OutageSample sample = OutageSample.start("outage-" + name + "-sample", properties, environment);
                 OutageClients clients = new OutageClients(sample.baseUrl() + "/aurora/webhooks", HEADER, webhookToken);
                 HostPageProbe home = new HostPageProbe(URI.create(sample.baseUrl() + "/"), 200, HostPageProbe.HOME_PAGE);
                 HostPageProbe missing = new HostPageProbe(URI.create(sample.baseUrl() + "/orders"), 404,
                         HostPageProbe.CONTAINER_404)) {
                figures.observed(clients, List.of(home, missing)); // again at the end; now so that a failure still reports what was seen
                clients.start(SENDERS, () -> randomDelivery(leads));
                await("at least " + ACKNOWLEDGED_BEFORE_OUTAGE + " deliveries acknowledged before the outage",
                        () -> clients.acknowledged().size() >= ACKNOWLEDGED_BEFORE_OUTAGE,
                        () -> clients.acknowledged().size() + " acknowledged; answers " + statusCounts(clients.answers()));

                outage.begin();
                figures.begun = System.nanoTime();
                await("a 503 once the outage began (" + outage.describe() + ")",
                        () -> firstAfter(clients.answers(), figures.begun, 503) != null,
                        () -> "answers since: " + statusCounts(since(clients.answers(), figures.begun)));
                figures.first503 = firstAfter(clients.answers(), figures.begun, 503).atNanos();
                TimeUnit.NANOSECONDS.sleep(HELD_AFTER_FIRST_503.toNanos());
                outage.end();
                figures.ended = System.nanoTime();

                await("a delivery acknowledged after the outage ended",
                        () -> firstAfter(clients.answers(), figures.ended, 200) != null,
                        () -> "answers since: " + statusCounts(since(clients.answers(), figures.ended)));
                figures.recordingResumed = firstAfter(clients.answers(), figures.ended, 200).atNanos();

                // Leads that exist only since the outage: their rows in aurora_leads can only come from a sync that resumed.
                List<String> leadsAfter = new ArrayList<>();
                List<Long> eventsAfter = new ArrayList<>();
                for (int i = 0; i < LEADS_AFTER; i++) {
                    String lead = aurora.createLead();
                    leadsAfter.add(lead);
                    Acknowledged ack = clients.deliver(leadCreated(lead));
                    assertTrue(ack != null, "the lead_created of a lead made after the outage was acknowledged");
                    eventsAfter.add(ack.id());
                }
                await("the leads created after the outage in aurora_leads (the lead sync resumed)",
                        () -> query(checkDbUrl, c -> syncedLeads(c, leadsAfter)).size() == leadsAfter.size(),
                        () -> "synced: " + query(checkDbUrl, c -> syncedLeads(c, leadsAfter)) + " of " + leadsAfter
                                + "; " + sample.log() + " says why");
                figures.syncResumed = System.nanoTime();
                await("the handler deliveries of the events after the outage done (the handlers resumed)",
                        () -> query(checkDbUrl, c -> doneDeliveries(c, eventsAfter)) == eventsAfter.size(),
                        () -> query(checkDbUrl, c -> doneDeliveries(c, eventsAfter)) + " of " + eventsAfter.size() + " done");
                figures.handlersResumed = System.nanoTime();

                clients.close(); // the load stops; the backlog must drain on its own
                await("the backlog drained: no lead left to fetch, no handler delivery left pending",
                        () -> query(checkDbUrl, DatabaseOutageIT::backlog).equals("0 leads due, 0 handler deliveries pending"),
                        () -> query(checkDbUrl, DatabaseOutageIT::backlog));
                home.close();
                missing.close();

                figures.observed(clients, List.of(home, missing));
                assertEveryAnswerWasA200OrA503WithRetryAfter(figures);
                assertTheHostPageAnsweredThroughout(figures);
                assertNothingAcknowledgedWasLost(checkDbUrl, figures, leadsAfter);
                if (sampleDbUrl.startsWith("jdbc:sqlite:")) {
                    figures.integrity = query(checkDbUrl, c -> one(c, "PRAGMA integrity_check"));
                    assertEquals("ok", figures.integrity, "SQLite's integrity check of the file after the outage");
                }
                assertTrue(sample.isAlive(), "the sample ran throughout, never restarted");
            } finally {
                figures.write();
            }
        }
    }

    // ---- the outages ----------------------------------------------------------------------------------

    /** Another process holds the SQLite file's write lock (an exclusive transaction) until ended. */
    static final class LockedByAnotherProcess implements Outage {
        private final Path file;
        private Process locker;
        private BufferedReader said;

        LockedByAnotherProcess(Path file) {
            this.file = file;
        }

        @Override
        public String describe() {
            return "another process holds an exclusive transaction on the SQLite file";
        }

        @Override
        public void begin() throws IOException {
            Path log = TestSecrets.logFile("outage-sqlite-locker.log");
            locker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), SqliteLocker.class.getName(), file.toString())
                    .redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
            said = new BufferedReader(new InputStreamReader(locker.getInputStream(), StandardCharsets.UTF_8));
            String line = said.readLine(); // it waits its turn behind the sample's commits (busy timeout 120 s)
            assertEquals(SqliteLocker.LOCKED, line, "the locker process took the write lock; its stderr: " + log);
        }

        @Override
        public void end() throws IOException, InterruptedException {
            if (locker == null || !locker.isAlive()) {
                return;
            }
            OutputStream in = locker.getOutputStream();
            in.write('\n');
            in.flush();
            assertEquals(SqliteLocker.RELEASED, said.readLine(), "the locker process rolled back and let go");
            assertTrue(locker.waitFor(60, TimeUnit.SECONDS), "the locker process ended");
        }

        @Override
        public void close() throws Exception {
            if (locker != null && locker.isAlive()) {
                locker.destroyForcibly().waitFor();
            }
        }
    }

    /** The filesystem the SQLite file lives on fills to the last byte until ended. */
    static final class FullDisk implements Outage {
        private final SmallDisk disk;

        FullDisk(SmallDisk disk) {
            this.disk = disk;
        }

        @Override
        public String describe() {
            return "the filesystem of the SQLite file is full (tmpfs filled to the last byte: ENOSPC)";
        }

        @Override
        public void begin() throws IOException {
            disk.fill();
            assertEquals(0, disk.usableBytes(), "the disk is full");
        }

        @Override
        public void end() throws IOException {
            disk.free();
        }

        @Override
        public void close() throws IOException {
            disk.free();
        }
    }

    /** The connection to the database server is cut (refused and every open one closed) until ended. */
    static final class ProxyCut implements Outage {
        private final TcpProxy proxy;
        private boolean cut;

        ProxyCut(TcpProxy proxy) {
            this.proxy = proxy;
        }

        @Override
        public String describe() {
            return "the network path to the server is cut (TCP proxy: open connections closed, new ones refused)";
        }

        @Override
        public void begin() throws IOException {
            proxy.cut();
            cut = true;
        }

        @Override
        public void end() throws IOException {
            if (cut) {
                proxy.restore();
                cut = false;
            }
        }

        @Override
        public void close() throws IOException {
            end();
        }
    }

    // ---- the load -------------------------------------------------------------------------------------

    /** Lead events for the simulator's leads (the sync fetches them, the sample's handler gets them) and project events. */
    private static Delivery randomDelivery(List<String> leads) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String lead = leads.get(random.nextInt(leads.size()));
        return switch (random.nextInt(5)) {
            case 0 -> leadCreated(lead);
            case 1, 2 -> new Delivery("lead_changed", Map.of("lead_id", lead));
            default -> new Delivery("project_status_changed", ordered("project_id", UUID.randomUUID().toString(),
                    "status", "stage-" + random.nextInt(1000)));
        };
    }

    private static Delivery leadCreated(String lead) {
        return new Delivery("lead_created", ordered("lead_id", lead, "source", "api"));
    }

    private static Map<String, String> ordered(String k1, String v1, String k2, String v2) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    // ---- what is asserted -----------------------------------------------------------------------------

    private static void assertEveryAnswerWasA200OrA503WithRetryAfter(Figures f) {
        List<String> unexpected = new ArrayList<>();
        for (Answer a : f.answers) {
            if (a.detail() != null) {
                unexpected.add(a.detail());
            } else if (a.status() == 503 && !a.retryAfter()) {
                unexpected.add("a 503 without Retry-After");
            }
        }
        assertTrue(unexpected.isEmpty(), unexpected.size() + " answers were neither a 200 with a row id nor a 503 with "
                + "Retry-After; the first: " + unexpected.subList(0, Math.min(5, unexpected.size())));
        assertTrue(f.count(503, f.begun, f.ended) > 0, "503s while the database was out");
    }

    private static void assertTheHostPageAnsweredThroughout(Figures f) {
        f.visits.forEach((path, visits) -> {
            List<HostPageProbe.Visit> bad = visits.stream().filter(v -> !v.hostsOwn()).toList();
            assertTrue(bad.isEmpty(), () -> bad.size() + " of " + visits.size() + " visits of the host's " + path
                    + " did not get the host's own answer; the first: " + bad.get(0).status() + " " + bad.get(0).detail());
            assertTrue(f.duringOutage(visits).count() > 0, "the host's " + path + " was visited while the database was out");
        });
    }

    /**
     * Every acknowledged delivery is the row its 200 named, holding exactly what was sent; the leads its lead
     * events named are in {@code aurora_leads}; every lead event's handler delivery is done.
     */
    private static void assertNothingAcknowledgedWasLost(String url, Figures f, List<String> leadsAfter) throws Exception {
        Map<Long, Map<String, String>> rows = query(url, DatabaseOutageIT::events);
        f.stored = rows.size();
        List<String> lost = new ArrayList<>();
        List<String> altered = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        Set<String> leadsNamed = new HashSet<>(leadsAfter);
        for (Acknowledged ack : f.acknowledged) {
            Delivery sent = ack.delivery();
            Map<String, String> row = rows.get(ack.id());
            if (!ids.add(ack.id())) {
                altered.add("row " + ack.id() + " acknowledged twice");
            }
            if (row == null) {
                lost.add(ack.id() + " " + sent.event() + "?" + sent.query());
                continue;
            }
            Map<String, String> expected = new TreeMap<>(sent.params());
            expected.put("event_type", sent.event());
            expected.put("query_string", sent.query());
            Map<String, String> actual = new TreeMap<>();
            expected.keySet().forEach(k -> actual.put(k, row.get(k)));
            if (!expected.equals(actual)) {
                altered.add("row " + ack.id() + ": sent " + expected + ", stored " + actual);
            }
            if (sent.params().containsKey("lead_id")) {
                leadsNamed.add(sent.params().get("lead_id"));
            }
        }
        f.lost = lost.size();
        assertTrue(lost.isEmpty(), lost.size() + " of " + f.acknowledged.size() + " acknowledged deliveries are not in "
                + "aurora_webhook_events; the first: " + lost.subList(0, Math.min(5, lost.size())));
        assertTrue(altered.isEmpty(), altered.size() + " acknowledged deliveries are stored otherwise than sent; the first: "
                + altered.subList(0, Math.min(5, altered.size())));
        List<String> synced = query(url, c -> syncedLeads(c, List.copyOf(leadsNamed)));
        assertEquals(leadsNamed.size(), synced.size(), "every lead a stored lead event named is in aurora_leads");
        long leadEvents = rows.values().stream().filter(r -> r.get("event_type").startsWith("lead_")).count();
        Map<String, Long> handled = query(url, DatabaseOutageIT::handlerDeliveriesByStatus);
        assertEquals(Map.of("done", leadEvents), handled, "one handler delivery per stored lead event, each done");
    }

    // ---- reading the database -------------------------------------------------------------------------

    @FunctionalInterface
    interface SqlFunction<T> {
        T apply(Connection c) throws SQLException;
    }

    /** Reads through a connection of its own (on SQLite read-only: see {@link TestDatabases#inspect}). */
    private static <T> T query(String url, SqlFunction<T> read) {
        try (Connection c = TestDatabases.inspect(url)) {
            return read.apply(c);
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + url + ": " + e.getMessage(), e);
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Map<Long, Map<String, String>> events(Connection c) throws SQLException {
        Map<Long, Map<String, String>> rows = new HashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT id, event_type, query_string, lead_id, source, project_id, status FROM aurora_webhook_events")) {
            while (rs.next()) {
                Map<String, String> row = new HashMap<>();
                for (String column : List.of("event_type", "query_string", "lead_id", "source", "project_id", "status")) {
                    row.put(column, rs.getString(column));
                }
                rows.put(rs.getLong("id"), row);
            }
        }
        return rows;
    }

    /** Which of these leads are in aurora_leads, not marked gone. */
    private static List<String> syncedLeads(Connection c, List<String> leads) throws SQLException {
        List<String> synced = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT lead_id FROM aurora_leads WHERE gone_at IS NULL")) {
            try (ResultSet rs = st.executeQuery()) {
                Set<String> wanted = new HashSet<>(leads);
                while (rs.next()) {
                    if (wanted.contains(rs.getString(1))) {
                        synced.add(rs.getString(1));
                    }
                }
            }
        }
        return synced;
    }

    private static long doneDeliveries(Connection c, List<Long> eventIds) throws SQLException {
        long done = 0;
        try (PreparedStatement st = c.prepareStatement(
                "SELECT COUNT(*) FROM aurora_handler_deliveries WHERE event_id = ? AND status = 'done'")) {
            for (long id : eventIds) {
                st.setLong(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    done += rs.getLong(1);
                }
            }
        }
        return done;
    }

    private static String backlog(Connection c) throws SQLException {
        return one(c, "SELECT COUNT(*) FROM aurora_lead_sync") + " leads due, "
                + one(c, "SELECT COUNT(*) FROM aurora_handler_deliveries WHERE status <> 'done'") + " handler deliveries pending";
    }

    private static Map<String, Long> handlerDeliveriesByStatus(Connection c) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status, COUNT(*) FROM aurora_handler_deliveries GROUP BY status")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    // ---- waiting and counting -------------------------------------------------------------------------

    /** Polls until the condition holds; fails after {@link #DEADLINE} saying what was awaited and what was seen. */
    private static void await(String what, BooleanSupplier condition, Supplier<String> seen) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(200);
        }
        fail("awaited for " + DEADLINE.toSeconds() + " s: " + what + "; seen: " + seen.get());
    }

    private static Answer firstAfter(List<Answer> answers, long fromNanos, int status) {
        return answers.stream().filter(a -> a.atNanos() >= fromNanos && a.status() == status).findFirst().orElse(null);
    }

    private static List<Answer> since(List<Answer> answers, long fromNanos) {
        return answers.stream().filter(a -> a.atNanos() >= fromNanos).toList();
    }

    private static Map<Integer, Long> statusCounts(List<Answer> answers) {
        Map<Integer, Long> counts = new TreeMap<>();
        answers.forEach(a -> counts.merge(a.status(), 1L, Long::sum));
        return counts;
    }

    /** One run's figures, written as a Markdown table whatever the outcome (what was measured until it stopped). */
    static final class Figures {
        private final String name;
        private final String outage;
        long begun;
        long first503;
        long ended;
        long recordingResumed;
        long syncResumed;
        long handlersResumed;
        long stored = -1;
        long lost = -1;
        String integrity = "";
        List<Answer> answers = List.of();
        List<Acknowledged> acknowledged = List.of();
        /** Per host path, its visits. */
        Map<String, List<HostPageProbe.Visit>> visits = Map.of();
        private OutageClients clients;
        private List<HostPageProbe> probes = List.of();

        Figures(String name, String outage) {
            this.name = name;
            this.outage = outage;
        }

        /** Takes what the senders and the host's visitors have seen so far (and again when written). */
        void observed(OutageClients senders, List<HostPageProbe> visitors) {
            this.clients = senders;
            this.probes = visitors;
            answers = senders.answers();
            acknowledged = senders.acknowledged();
            Map<String, List<HostPageProbe.Visit>> byPath = new LinkedHashMap<>();
            visitors.forEach(p -> byPath.put(p.path(), p.visits()));
            visits = byPath;
        }

        long count(int status, long from, long to) {
            return answers.stream().filter(a -> a.status() == status && a.atNanos() >= from && a.atNanos() <= to).count();
        }

        /** The visits that overlapped the outage. */
        java.util.stream.Stream<HostPageProbe.Visit> duringOutage(List<HostPageProbe.Visit> of) {
            return of.stream().filter(v -> v.endNanos() >= begun && v.startNanos() <= ended);
        }

        private static String seconds(long from, long to) {
            return from == 0 || to == 0 ? "-" : seconds((to - from) / 1e9);
        }

        private static String seconds(double s) {
            return String.format(Locale.ROOT, "%.1f", s);
        }

        void write() throws IOException {
            if (clients != null) {
                observed(clients, probes);
            }
            double slowestAnswer = answers.stream().filter(a -> a.atNanos() >= begun && a.sentNanos() <= ended)
                    .mapToDouble(Answer::seconds).max().orElse(0);
            long last503 = answers.stream().filter(a -> a.status() == 503).mapToLong(Answer::atNanos).max().orElse(0);
            long total200 = answers.stream().filter(a -> a.status() == 200).count();
            long total503 = answers.stream().filter(a -> a.status() == 503).count();
            StringBuilder header = new StringBuilder("| case | outage | outage lasted (s) | first 503 after (s) | 503s lasted (s) "
                    + "| answers 200 / 503 / other | slowest webhook answer in outage (s) "
                    + "| resumed after (s): recording / lead sync / handlers | acknowledged / stored / lost |");
            StringBuilder row = new StringBuilder("| " + String.join(" | ", name, outage, seconds(begun, ended),
                    seconds(begun, first503), seconds(first503, last503),
                    total200 + " / " + total503 + " / " + (answers.size() - total200 - total503), seconds(slowestAnswer),
                    seconds(ended, recordingResumed) + " / " + seconds(ended, syncResumed) + " / " + seconds(ended, handlersResumed),
                    acknowledged.size() + " / " + (stored < 0 ? "-" : stored) + " / " + (lost < 0 ? "-" : lost)) + " |");
            visits.forEach((path, of) -> {
                header.append(" host ").append(path).append(" in outage: visits / not as usual / slowest (s) |");
                row.append(' ').append(duringOutage(of).count()).append(" / ").append(duringOutage(of).filter(v -> !v.hostsOwn()).count())
                        .append(" / ").append(seconds(duringOutage(of).mapToDouble(HostPageProbe.Visit::seconds).max().orElse(0)))
                        .append(" |");
            });
            header.append(" SQLite integrity |");
            row.append(' ').append(Objects.toString(integrity, "")).append(" |");
            String table = header + "\n" + header.toString().replaceAll("[^|]+", "---") + "\n" + row + "\n";
            Path dir = Path.of(System.getProperty("aurora.evidence.dir", "target/evidence"));
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("outage-" + name + ".md"), table, StandardCharsets.UTF_8);
            System.out.println("outage evidence, " + name + ":\n" + table);
        }
    }
}
