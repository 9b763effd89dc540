package org.aurorawebhooks.evidence;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.evidence.EventAudit.Figures;
import org.aurorawebhooks.evidence.RetryingClients.Ack;
import org.aurorawebhooks.evidence.probe.PlainProbe;
import org.aurorawebhooks.evidence.probe.TransactionalProbe;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 9, item 7: two nodes, one database. Two sample processes ({@code aurora-sample.jar}, demo off) on
 * different ports share one fresh PostgreSQL schema, and separately one MariaDB database, as two nodes behind a
 * load balancer would; both fetch leads from one simulated Aurora in this JVM. Each node also runs two handlers
 * of this test, put on its class path with their own {@code META-INF/services}: {@link PlainProbe} and
 * {@link TransactionalProbe}, which take every event, detect a call overlapping another of the same subject on
 * either node (a marker file per running subject: no clocks involved), and journal their calls.
 *
 * <p>{@link #deliveriesSplitBetweenTwoNodesLandOnceAndNoWorkRunsTwiceAtOnce}: {@value #DELIVERIES} deliveries,
 * alternately to each node, from {@value #CLIENTS} clients; every delivery stored once, exactly as sent (see
 * {@link EventAudit}); every handler delivery done, on both nodes, never two calls of one subject at once, the
 * transactional handler's work committed once per event, and an event acknowledged before another of its
 * subject was sent handled before it; the lead sync never
 * fetching one lead twice at once (the simulated Aurora counts requests in flight per path, every answer
 * slowed down so that overlapping fetches would be seen) and every lead fetched.
 *
 * <p>{@link #eachScheduledReconcileRunsOnceAcrossTwoNodes}: the reconcile scheduled every two seconds on both
 * nodes (Quartz clustered on the database, as each node's log says): one run per fire time, at least
 * {@value #FIRE_TIMES} fire times while both nodes ran, no two passes at once, and every lead fetched.
 *
 * <p>The figures go to {@code aurora.evidence.dir}/two-nodes-DB.md and two-nodes-reconcile-DB.md.
 */
class TwoNodesEvidenceIT {
    static final int DELIVERIES = 2_000;
    static final int CLIENTS = 8;
    /** The simulated Aurora's leads; the lead events name them, so each is fetched many times. */
    private static final int LEADS = 40;
    /** Every Retrieve Lead answer is this slow: two fetches of one lead at once would overlap in the simulator. */
    private static final long API_DELAY_MILLIS = 50;
    private static final String HEADER = "X-Aurora-Token";
    private static final String CRON = "0/2 * * * * ?";
    /** Fire times to see in the reconcile run. */
    private static final int FIRE_TIMES = 8;
    private static final Duration LOAD_DEADLINE = Duration.ofMinutes(10);
    private static final Duration DRAIN_DEADLINE = Duration.ofMinutes(5);
    private static final Duration SCHEDULE_DEADLINE = Duration.ofMinutes(3);

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void deliveriesSplitBetweenTwoNodesLandOnceAndNoWorkRunsTwiceAtOnce(Kind kind, @TempDir Path probeDir) throws Exception {
        long started = System.nanoTime();
        Map<String, String> db = TestDatabases.fresh(kind);
        String url = db.get("aurora.db.url");
        String dbName = kind.name().toLowerCase(Locale.ROOT);
        createProbeTable(kind, url);
        long seed = new SecureRandom().nextLong();
        String context = "seed " + seed + ", " + kind + " at " + url + ", node logs " + TestSecrets.logFile("");
        String token = TestSecrets.fresh("two-nodes-webhook");
        try (SimulatedAurora aurora = simulatedAurora()) {
            aurora.seedLeads(LEADS);
            aurora.delay(API_DELAY_MILLIS);
            List<String> leads = aurora.leadIds();
            List<Delivery> deliveries = Delivery.generate("two-nodes-" + dbName + "-" + Long.toHexString(seed), DELIVERIES,
                    Delivery.weightedEvents(), seed, a -> a == Attribute.LEAD_ID ? leads : Delivery.idPool(a, 30, seed));
            List<SampleProcess> nodes = nodes("two-nodes-" + dbName, db, aurora, probeDir, token, "off");
            RetryingClients clients = new RetryingClients(deliveries, seq -> nodes.get(seq % 2).baseUrl(), HEADER, token,
                    CLIENTS);
            try {
                for (SampleProcess node : nodes) {
                    node.start();
                }
                clients.start();
                assertTrue(clients.await(LOAD_DEADLINE), "the clients did not get every delivery acknowledged within "
                        + LOAD_DEADLINE + ": " + clients.acknowledged() + " of " + DELIVERIES + "; " + context);
                assertNull(clients.fatal(), context);
                awaitQuiet(url, nodes, context);
            } finally {
                clients.stop();
                for (SampleProcess node : nodes) {
                    node.stop();
                }
            }

            Figures figures = EventAudit.audit(deliveries, clients.acks(), StoredEvent.readAll(url));
            Map<String, Integer> ackedBy = new TreeMap<>();
            clients.acks().values().forEach(a -> ackedBy.merge(a.node(), 1, Integer::sum));
            List<StoredEvent> events = StoredEvent.readAll(url);
            List<String> handlerProblems = handlerProblems(events, HandlerDeliveryRow.readAll(url));
            List<String> overlaps = overlaps(probeDir);
            ProbeCalls tx = transactionalCalls(url, events, deliveries, clients.acks());
            ProbeCalls plain = plainCalls(probeDir, events);
            Set<String> synced = leadIds(url);
            Set<String> sent = new HashSet<>();
            events.stream().filter(e -> e.eventType().startsWith("lead_")).forEach(e -> sent.add(e.attributes().get("lead_id")));
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            EvidenceFigures.write("two-nodes-" + dbName, List.of("database", "deliveries (acknowledged per node)",
                            "stored once, as sent", "lost", "duplicates", "handler deliveries done", "transactional calls committed "
                                    + "(node 1 / node 2)", "plain calls (node 1 / node 2, repeated)", "overlapping calls",
                            "handled after a later event of the subject (in flight together)",
                            "Retrieve Lead calls", "most fetches of one lead at once", "wall time"),
                    List.of(kind.name(), DELIVERIES + " " + ackedBy.values(),
                            Integer.toString(figures.storedRows() - figures.storedNotAcknowledged() - figures.lost()),
                            Integer.toString(figures.lost()), Integer.toString(figures.storedNotAcknowledged()),
                            Long.toString(countDone(url)),
                            tx.total() + " (" + tx.byNode().getOrDefault("1", 0) + " / " + tx.byNode().getOrDefault("2", 0) + ")",
                            plain.total() + " (" + plain.byNode().getOrDefault("1", 0) + " / " + plain.byNode().getOrDefault("2", 0)
                                    + ", " + plain.repeated() + ")",
                            Integer.toString(overlaps.size()), Integer.toString(tx.againstIdOrder()),
                            Long.toString(aurora.retrieveLeadCalls()),
                            Integer.toString(aurora.maxConcurrentSamePath()), seconds + " s"));

            assertAll(
                    () -> assertEquals(DELIVERIES, figures.acknowledged(), "every delivery acknowledged; " + context),
                    () -> assertTrue(figures.clean(), "every delivery stored as sent: " + figures.describe() + "; " + context),
                    () -> assertEquals(0, figures.storedNotAcknowledged(), "each delivery stored once: " + figures.describe()),
                    () -> assertEquals(DELIVERIES, figures.storedRows(), "one row per delivery: " + figures.describe()),
                    () -> assertEquals(2, ackedBy.size(), "both nodes acknowledged deliveries: " + ackedBy),
                    () -> assertEquals(List.of(), handlerProblems, "every handler delivery once and done; " + context),
                    () -> assertEquals(List.of(), overlaps, "no two calls of one handler for one subject at once; " + context),
                    () -> assertEquals(List.of(), tx.problems(), "the transactional handler's work once per event, "
                            + "an event acknowledged before another was sent handled before it; " + context),
                    () -> assertEquals(2, tx.byNode().size(), "both nodes called the transactional handler: " + tx.byNode()),
                    () -> assertEquals(List.of(), plain.problems(), "the plain handler called for every event; " + context),
                    () -> assertEquals(2, plain.byNode().size(), "both nodes called the plain handler: " + plain.byNode()),
                    () -> assertTrue(aurora.retrieveLeadCalls() > 0, "the lead sync fetched leads"),
                    () -> assertEquals(1, aurora.maxConcurrentSamePath(), "no lead fetched twice at the same time "
                            + "(the most requests in flight for one path); " + context),
                    () -> assertEquals(sent, synced, "every lead named by a lead event is in aurora_leads; " + context));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void eachScheduledReconcileRunsOnceAcrossTwoNodes(Kind kind, @TempDir Path probeDir) throws Exception {
        long started = System.nanoTime();
        Map<String, String> db = TestDatabases.fresh(kind);
        String url = db.get("aurora.db.url");
        String dbName = kind.name().toLowerCase(Locale.ROOT);
        createProbeTable(kind, url);
        String context = kind + " at " + url + ", node logs " + TestSecrets.logFile("");
        List<Run> runs;
        List<SampleProcess> nodes;
        Instant bothUp;
        try (SimulatedAurora aurora = simulatedAurora()) {
            aurora.seedLeads(LEADS);
            aurora.delay(20); // a pass fetching every lead takes about a second: long enough to overlap another
            nodes = nodes("two-nodes-reconcile-" + dbName, db, aurora, probeDir, TestSecrets.fresh("two-nodes-webhook"), CRON);
            try {
                for (SampleProcess node : nodes) {
                    node.start();
                }
                bothUp = Instant.now();
                long deadline = System.nanoTime() + SCHEDULE_DEADLINE.toNanos();
                do {
                    Thread.sleep(1000);
                    for (SampleProcess node : nodes) {
                        assertTrue(node.isAlive(), "a node died: " + node.tail());
                    }
                    runs = scheduledRuns(url);
                } while (fireTimesAfter(runs, bothUp) < FIRE_TIMES && System.nanoTime() < deadline);
            } finally {
                for (SampleProcess node : nodes) {
                    node.stop();
                }
            }
            runs = scheduledRuns(url);
            List<Run> passes = runs.stream().filter(r -> !r.outcome().equals("skipped") && r.ended() != null).toList();
            // By start: a pass overlaps an earlier one when it starts before the latest end so far.
            List<String> overlapping = new ArrayList<>();
            Run latest = null;
            for (Run pass : passes) {
                if (latest != null && pass.started().isBefore(latest.ended())) {
                    overlapping.add(latest + " and " + pass);
                }
                if (latest == null || pass.ended().isAfter(latest.ended())) {
                    latest = pass;
                }
            }
            Set<Instant> fireTimes = fireTimes(runs);
            List<Integer> byNode = new ArrayList<>();
            List<Integer> clustered = new ArrayList<>();
            for (SampleProcess node : nodes) {
                byNode.add(countLines(node.logs(), "aurora-webhooks: scheduled reconcile run "));
                clustered.add(countLines(node.logs(), "(Quartz clustered on the database)"));
            }
            int whileBothUp = fireTimesAfter(runs, bothUp);
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            EvidenceFigures.write("two-nodes-reconcile-" + dbName, List.of("database", "cron",
                            "fire times (while both nodes ran)", "runs recorded",
                            "passes run (node 1 / node 2)", "skipped", "overlapping passes", "leads converged", "wall time"),
                    List.of(kind.name(), "`" + CRON + "`", fireTimes.size() + " (" + whileBothUp + ")", Integer.toString(runs.size()),
                            passes.size() + " " + byNode, Long.toString(runs.stream().filter(r -> r.outcome().equals("skipped")).count()),
                            Integer.toString(overlapping.size()), leadIds(url).size() + " of " + LEADS, seconds + " s"));
            List<Run> finalRuns = runs;
            assertAll(
                    () -> assertEquals(List.of(1, 1), clustered, "both nodes scheduled the reconcile, clustered; " + context),
                    () -> assertTrue(whileBothUp >= FIRE_TIMES, "the schedule fired " + FIRE_TIMES + " times while both "
                            + "nodes ran, within " + SCHEDULE_DEADLINE + ": " + finalRuns + "; " + context),
                    () -> assertEquals(fireTimes.size(), finalRuns.size(), "one run per fire time: " + finalRuns + "; " + context),
                    () -> assertEquals(List.of(), overlapping, "no two passes at once; " + context),
                    () -> assertEquals(Set.copyOf(aurora.leadIds()), leadIds(url), "the passes fetched every lead; " + context));
        }
    }

    /** The simulated Aurora both nodes fetch from: no webhooks of its own, a budget no test run reaches. */
    private static SimulatedAurora simulatedAurora() throws IOException {
        return SimulatedAurora.start(SimulatedAurora.Options.defaults().withRequestsPerMinute(60_000).withAutoFire(false)
                .withCredentials("evidence-tenant", TestSecrets.fresh("two-nodes-api")));
    }

    /**
     * Two sample processes on one database and the simulated Aurora, each with the probes on its class path; the
     * secrets (webhook credential, API token) in their environment.
     */
    private static List<SampleProcess> nodes(String name, Map<String, String> db, SimulatedAurora aurora, Path probeDir,
                                             String token, String cron) throws IOException, URISyntaxException {
        Path probes = probeClassPath(probeDir.resolve("classes"));
        List<SampleProcess> nodes = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            Map<String, String> properties = new LinkedHashMap<>(db);
            properties.put("aurora.sample.demo", "false"); // no demo stories: only this test's traffic
            properties.put("aurora.webhooks.auth.header-name", HEADER);
            properties.put("aurora.api.base-url", aurora.baseUrl());
            properties.put("aurora.api.tenant-id", aurora.tenantId());
            properties.put("aurora.api.requests-per-minute", "60000");
            properties.put("aurora.reconciler.cron", cron);
            properties.put("aurora.reconciler.lookback", "PT10M");
            properties.put("evidence.probe.dir", probeDir.toAbsolutePath().toString());
            properties.put("evidence.node", Integer.toString(i));
            nodes.add(new SampleProcess(name + "-node-" + i, List.of(probes), properties,
                    Map.of("AURORA_WEBHOOKS_AUTH_HEADER_VALUE", token, "AURORA_API_TOKEN", aurora.token())));
        }
        return nodes;
    }

    /**
     * A class-path folder with the probes' classes (from this module's test classes) and a
     * {@code META-INF/services/org.aurorawebhooks.AuroraEventHandler} naming them, as a host app's jar would.
     */
    private static Path probeClassPath(Path dir) throws IOException, URISyntaxException {
        String packagePath = PlainProbe.class.getPackageName().replace('.', '/');
        Path compiled = Path.of(PlainProbe.class.getResource("PlainProbe.class").toURI()).getParent();
        Path target = dir.resolve(packagePath);
        Files.createDirectories(target);
        try (Stream<Path> classes = Files.list(compiled)) {
            for (Path c : classes.filter(p -> p.toString().endsWith(".class")).toList()) {
                Files.copy(c, target.resolve(c.getFileName().toString()));
            }
        }
        Path services = dir.resolve("META-INF/services/org.aurorawebhooks.AuroraEventHandler");
        Files.createDirectories(services.getParent());
        Files.writeString(services, PlainProbe.class.getName() + "\n" + TransactionalProbe.class.getName() + "\n");
        return dir;
    }

    /** The transactional probe's table, in the nodes' database before they start (the library baselines beside it). */
    private static void createProbeTable(Kind kind, String url) throws SQLException {
        String id = kind == Kind.POSTGRESQL ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" : "BIGINT AUTO_INCREMENT PRIMARY KEY";
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + TransactionalProbe.TABLE + " (id " + id + ", event_id BIGINT NOT NULL, "
                    + "subject VARCHAR(64), node VARCHAR(16) NOT NULL, attempt INT NOT NULL)");
        }
    }

    /** Waits until no handler delivery is pending on any node and the lead sync has nothing left to fetch. */
    private static void awaitQuiet(String url, List<SampleProcess> nodes, String context) throws Exception {
        long deadline = System.nanoTime() + DRAIN_DEADLINE.toNanos();
        Map<String, Integer> handlers = Map.of();
        long dueLeads = -1;
        while (System.nanoTime() < deadline) {
            handlers = HandlerDeliveryRow.countByStatus(url);
            dueLeads = count(url, "SELECT COUNT(*) FROM aurora_lead_sync");
            if (!handlers.isEmpty() && !handlers.containsKey("pending") && dueLeads == 0) {
                return;
            }
            for (SampleProcess node : nodes) {
                assertTrue(node.isAlive(), "a node died: " + node.tail());
            }
            Thread.sleep(1000);
        }
        fail("after " + DRAIN_DEADLINE + ": handler deliveries " + handlers + ", leads still due " + dueLeads + "; " + context);
    }

    /** Each probe has exactly one delivery of every event, and every handler delivery (the sample's too) is done. */
    private static List<String> handlerProblems(List<StoredEvent> events, List<HandlerDeliveryRow> rows) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> perProbeAndEvent = new HashMap<>();
        for (HandlerDeliveryRow r : rows) {
            if (!r.status().equals("done")) {
                problems.add("delivery " + r.id() + " of " + r.handler() + " for event " + r.eventId() + " is " + r.status());
            }
            perProbeAndEvent.merge(r.handler() + " " + r.eventId(), 1, Integer::sum);
        }
        for (StoredEvent e : events) {
            for (String probe : List.of(PlainProbe.NAME, TransactionalProbe.NAME)) {
                int n = perProbeAndEvent.getOrDefault(probe + " " + e.id(), 0);
                if (n != 1) {
                    problems.add(probe + " has " + n + " deliveries of event " + e.id());
                }
            }
        }
        return problems;
    }

    private static long countDone(String url) throws SQLException {
        return count(url, "SELECT COUNT(*) FROM aurora_handler_deliveries WHERE status = 'done'");
    }

    /** Every overlap a probe recorded, on either node. */
    private static List<String> overlaps(Path probeDir) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(probeDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("overlaps-")).toList()) {
                lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    /**
     * A probe's calls: how many, per node, how many repeated an event already called, how many came after a later
     * event of their subject (concurrent deliveries), and what is wrong.
     */
    private record ProbeCalls(int total, Map<String, Integer> byNode, int repeated, int againstIdOrder, List<String> problems) {
    }

    /**
     * The transactional probe's rows: exactly one per recorded event (its work commits with the done mark or not
     * at all). And each subject's order, as far as it is defined: when one event of a subject was acknowledged
     * before another was even sent (both moments on this JVM's clock), the handler got the first one first.
     * Two deliveries of one subject in flight at once on two nodes have no order but their commits'; how many
     * of those were handled against the order of their ids is counted, not judged.
     */
    private static ProbeCalls transactionalCalls(String url, List<StoredEvent> events, List<Delivery> deliveries,
                                                 Map<Integer, Ack> acks) throws SQLException {
        Map<String, Delivery> byQuery = new HashMap<>();
        deliveries.forEach(d -> byQuery.put(d.query(), d));
        Map<Long, Ack> ackOf = new HashMap<>();
        for (StoredEvent e : events) {
            Delivery d = byQuery.get(e.queryString());
            if (d != null && acks.containsKey(d.seq())) {
                ackOf.put(e.id(), acks.get(d.seq()));
            }
        }
        List<String> problems = new ArrayList<>();
        Map<String, Integer> byNode = new TreeMap<>();
        Map<Long, Integer> perEvent = new HashMap<>();
        Map<String, List<Long>> callsOfSubject = new LinkedHashMap<>();
        int total = 0;
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, event_id, subject, node FROM " + TransactionalProbe.TABLE + " ORDER BY id")) {
            // By id: a subject's next delivery is claimed only after the previous one's transaction (this row
            // with it) committed, so its row is inserted later and has a larger id.
            while (rs.next()) {
                total++;
                long event = rs.getLong("event_id");
                byNode.merge(rs.getString("node"), 1, Integer::sum);
                perEvent.merge(event, 1, Integer::sum);
                if (rs.getString("subject") != null) {
                    callsOfSubject.computeIfAbsent(rs.getString("subject"), k -> new ArrayList<>()).add(event);
                }
            }
        }
        for (StoredEvent e : events) {
            int n = perEvent.getOrDefault(e.id(), 0);
            if (n != 1) {
                problems.add("event " + e.id() + " has " + n + " committed calls");
            }
        }
        int againstIdOrder = 0;
        for (Map.Entry<String, List<Long>> subject : callsOfSubject.entrySet()) {
            List<Long> calls = subject.getValue();
            for (int later = 1; later < calls.size(); later++) {
                againstIdOrder += calls.get(later) < calls.get(later - 1) ? 1 : 0;
                Ack laterAck = ackOf.get(calls.get(later));
                for (int earlier = 0; earlier < later; earlier++) {
                    Ack earlierAck = ackOf.get(calls.get(earlier));
                    if (laterAck != null && earlierAck != null && laterAck.acked().isBefore(earlierAck.firstSent())) {
                        problems.add("subject " + subject.getKey() + ": event " + calls.get(later) + " was acknowledged at "
                                + laterAck.acked() + ", before event " + calls.get(earlier) + " was sent at "
                                + earlierAck.firstSent() + ", yet handled after it");
                    }
                }
            }
        }
        return new ProbeCalls(total, byNode, 0, againstIdOrder, problems);
    }

    /** The plain probe's journals: every recorded event called at least once (at-least-once), on either node. */
    private static ProbeCalls plainCalls(Path probeDir, List<StoredEvent> events) throws IOException {
        Map<String, Integer> byNode = new TreeMap<>();
        Map<Long, Integer> perEvent = new HashMap<>();
        int total = 0;
        for (String node : List.of("1", "2")) {
            Path journal = probeDir.resolve("calls-plain-" + node + ".txt");
            List<String> lines = Files.exists(journal) ? Files.readAllLines(journal, StandardCharsets.UTF_8) : List.of();
            for (String line : lines) {
                total++;
                byNode.merge(node, 1, Integer::sum);
                perEvent.merge(Long.parseLong(line.substring(0, line.indexOf(' '))), 1, Integer::sum);
            }
        }
        List<String> problems = new ArrayList<>();
        for (StoredEvent e : events) {
            if (!perEvent.containsKey(e.id())) {
                problems.add("event " + e.id() + " was never called");
            }
        }
        int repeated = perEvent.values().stream().mapToInt(n -> n - 1).sum();
        return new ProbeCalls(total, byNode, repeated, 0, problems);
    }

    /** One row of {@code aurora_reconcile_runs} with trigger {@code schedule}. */
    private record Run(Instant scheduledFor, Instant started, Instant ended, String outcome) {
    }

    /** The scheduled runs, by start; empty while the nodes have not created the table yet. */
    private static List<Run> scheduledRuns(String url) throws SQLException {
        List<Run> runs = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT scheduled_for, started_at, ended_at, outcome FROM aurora_reconcile_runs "
                     + "WHERE trigger_type = 'schedule' ORDER BY started_at, id")) {
            while (rs.next()) {
                runs.add(new Run(StoredEvent.instant(url, rs, "scheduled_for"), StoredEvent.instant(url, rs, "started_at"),
                        StoredEvent.instant(url, rs, "ended_at"), rs.getString("outcome")));
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("aurora_reconcile_runs")) {
                return List.of();
            }
            throw e;
        }
        return runs;
    }

    private static int fireTimesAfter(List<Run> runs, Instant after) {
        return (int) fireTimes(runs).stream().filter(t -> t.isAfter(after)).count();
    }

    private static Set<Instant> fireTimes(List<Run> runs) {
        Set<Instant> times = new HashSet<>();
        runs.forEach(r -> times.add(r.scheduledFor()));
        return times;
    }

    private static Set<String> leadIds(String url) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT lead_id FROM aurora_leads")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static long count(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int countLines(List<Path> logs, String text) throws IOException {
        int n = 0;
        for (Path log : logs) {
            n += (int) Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).count();
        }
        return n;
    }
}
