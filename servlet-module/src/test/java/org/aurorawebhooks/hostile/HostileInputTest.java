package org.aurorawebhooks.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.hostile.EndpointSpec.Expected;
import org.aurorawebhooks.hostile.HostileClient.Answer;
import org.aurorawebhooks.hostile.HostileServers.Seen;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hostile input, property-based (issue 9, item 3): generated requests against the real filter in a real
 * Jetty on loopback, a real SQLite file behind it and a host servlet behind the filter, next to a second
 * Jetty with the same host app and no filter. For every request: no 5xx; the answer the README's endpoint
 * table documents for what the filter received (see {@link EndpointSpec}), with a body that says what was
 * wrong; exactly one new row for an accepted delivery, holding what was sent, and none for anything else;
 * no exception leaving the filter towards the container and no error in the log; on every other path, and
 * for whatever the container refuses itself, the same answer as the host app without the filter. Then the
 * operator console: everything hostile requests left in the database or in its memory is shown escaped.
 *
 * <p>The three tests run in order on one pair of servers and one database: the last checks what the first
 * two left. 10,000 requests in the first; the seed is printed and {@code -DQT_SEED=…} repeats a
 * run. Figures are printed at the end and written to {@code target/hostile-input-figures.md}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {
    /** Examples of the first test: 10,000 in every run; {@code -Dhostile.requests=N} for a quicker look while debugging. */
    static final int REQUESTS = Integer.getInteger("hostile.requests", 10_000);
    /**
     * QuickTheories' budget: it skips an example identical to one it already ran (a handful in ten thousand),
     * so it is given 1% more and the test asserts that at least {@link #REQUESTS} ran.
     */
    static final int EXAMPLES = REQUESTS + REQUESTS / 100;
    static final int CONSOLE_EXAMPLES = 200;
    private static final String MARKER = "hz\\d+";
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private static EndpointSpec.Secrets secrets;
    private static LogCapture log;
    private static HostileServers servers;
    private static Connection db;
    private static EndpointSpec spec;
    private static HostileRequests requests;
    private static final HostileClient client = new HostileClient();
    private static final Tally tally = new Tally();
    private static final AtomicLong tries = new AtomicLong();
    private static final Set<Long> acceptedIds = new HashSet<>();
    private static final Set<String> leadsMadeDue = new HashSet<>();
    private static long seed;
    private static HostileRequest previous;

    @BeforeAll
    static void start() throws Exception {
        secrets = new EndpointSpec.Secrets("X-Aurora-Token",
                List.of(TestSecrets.fresh("hostile-token-old"), TestSecrets.fresh("hostile-token")),
                "hostile-basic-user" /* a user name: logged, not a secret */, TestSecrets.fresh("hostile-basic-password"),
                "hostile-admin" /* a user name */, TestSecrets.fresh("hostile-admin-password"));
        Map<String, String> config = new LinkedHashMap<>(TestDatabases.freshSqlite());
        config.put("aurora.webhooks.auth.header-name", secrets.tokenHeader());
        config.put("aurora.webhooks.auth.header-value", String.join(",", secrets.tokens()));
        config.put("aurora.webhooks.auth.basic-username", secrets.basicUser());
        config.put("aurora.webhooks.auth.basic-password", secrets.basicPassword());
        config.put("aurora.admin.username", secrets.adminUser());
        config.put("aurora.admin.password", secrets.adminPassword());
        log = LogCapture.install(TestSecrets.logFile("hostile-input.log"));
        servers = new HostileServers(config, List.of(secrets.tokenHeader(), "Authorization"));
        db = TestDatabases.inspect(config.get("aurora.db.url"));
        spec = new EndpointSpec(secrets);
        requests = new HostileRequests(secrets);
        seed = Long.getLong("QT_SEED", System.nanoTime());
        System.out.println("HostileInputTest: seed " + seed + " (repeat with -DQT_SEED=" + seed + ")");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            String figures = tally.markdown(seed, tries.get()) + "\nJetty's own buffer-release failures logged (no frame of "
                    + "the filter): " + (log == null ? 0 : log.jettyRace().stream().filter(l -> !l.startsWith("\tat ")).count()) + "\n";
            System.out.println(figures);
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "hostile-input-figures.md"), figures,
                    StandardCharsets.UTF_8);
        } finally {
            try {
                if (db != null) {
                    db.close();
                }
                if (servers != null) {
                    servers.close();
                }
            } finally {
                if (log != null) {
                    log.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    void everyHostileRequestGetsADocumentedAnswerAndOnlyAcceptedDeliveriesAreStoredAsSent() {
        long before = tries.get();
        long cpu = cpuNanos();
        long start = System.nanoTime();
        qt().withFixedSeed(seed).withExamples(EXAMPLES).withShrinkCycles(300)
                .forAll(requests.any())
                .describedAs(r -> secrets.mask(r.toString()))
                .checkAssert(r -> sendAndCheck(r));
        long ran = tries.get() - before;
        tally.examples("requests", ran, System.nanoTime() - start, cpuNanos() - cpu);
        assertTrue(ran >= REQUESTS, "QuickTheories ran at least " + REQUESTS + " distinct examples: " + ran);
    }

    @Test
    @Order(2)
    void theConsoleShowsWhatHostileRequestsLeftEscaped() {
        long before = tries.get();
        long cpu = cpuNanos();
        long start = System.nanoTime();
        qt().withFixedSeed(seed).withExamples(CONSOLE_EXAMPLES).withShrinkCycles(100)
                .forAll(requests.consoleCases())
                .describedAs(c -> secrets.mask(c.toString()))
                .checkAssert(HostileInputTest::consoleCase);
        tally.examples("console cases (2 requests and 3 console pages each)", (tries.get() - before) / 2,
                System.nanoTime() - start, cpuNanos() - cpu);
    }

    @Test
    @Order(3)
    void afterTheRunTheDatabaseHoldsExactlyTheAcceptedDeliveriesAndNothingEscaped() throws Exception {
        assertTrue(tally.accepted() > 0, "the earlier tests of this class ran and stored deliveries (run the whole class)");
        assertEquals(acceptedIds, ids("SELECT id FROM aurora_webhook_events"),
                "the table holds exactly the deliveries answered 200, and nothing else");
        assertEquals(leadsMadeDue, new HashSet<>(strings("SELECT lead_id FROM aurora_lead_sync")),
                "only accepted lead events made their lead due");
        for (String page : List.of("_dashboard", "_dashboard?fragment=console")) {
            assertEscaped(page, admin(page).body());
        }
        JsonNode status = statusJson();
        assertEquals(tally.accepted(), status.path("deliveries").path("total_last_day").asLong(),
                "_status counts every accepted delivery");
        assertEquals(tally.rejectedByFilter(), status.path("rejections").path("total").asLong(),
                "_status counts every request the filter refused: " + status.path("rejections").path("by_reason"));
        Answer host = client.send(servers.filterPort(), new HostileRequest("host", "GET", "/app/orders/17", List.of(),
                null, false), "final");
        assertEquals("host:GET /app/orders/17", host.body(), "the host app still answers");
        assertEquals(List.of(), servers.sentinel().escaped(), "no exception reached the container");
        assertEquals(List.of(), log.alarmingSince(0), "no error in the filter's or Jetty's log");
    }

    // ---- one request

    /** What one checked request got: the answer, and what the filter saw (null: the container refused it). */
    private record Sent(Answer answer, Seen seen) {
    }

    private static Sent sendAndCheck(HostileRequest r) {
        String id = "t" + tries.incrementAndGet();
        int alarms = log.alarmingCount();
        int escaped = servers.sentinel().escaped().size();
        long rowsBefore = count("SELECT COUNT(*) FROM aurora_webhook_events");
        Answer answer;
        try {
            answer = client.send(servers.filterPort(), r, id);
        } catch (RuntimeException e) {
            throw new AssertionError(secrets.mask("no answer to " + r + "\n  (the request before it on this client: "
                    + previous + ")"), e);
        }
        Seen seen = servers.sentinel().take(id);
        String context = secrets.mask(r + "\n  answer: " + answer + "\n  the filter saw: " + seen);
        previous = r;
        assertTrue(answer.status() < 500, "no 5xx for " + context);
        long stored = 0;
        if (seen == null) {
            sameAsWithoutTheFilter(r, answer, id, context);
            tally.refusedByContainer(answer, secrets.mask(r.toString()));
        } else {
            Expected expected = spec.expect(seen, bodyBytes(r));
            context += secrets.mask("\n  expected: " + expected);
            stored = check(r, answer, seen, expected, id, context);
        }
        assertEquals(rowsBefore + stored, count("SELECT COUNT(*) FROM aurora_webhook_events"),
                (stored == 1 ? "exactly one row for an accepted delivery: " : "no row for a request not accepted: ") + context);
        assertEquals(List.of(), servers.sentinel().escaped().subList(escaped, servers.sentinel().escaped().size()),
                "no exception left the filter towards the container: " + context);
        assertEquals(List.of(), log.alarmingSince(alarms), "no error or stack trace in the log: " + context);
        return new Sent(answer, seen);
    }

    /** Checks the answer against the expectation; returns how many rows it should have added. */
    private static long check(HostileRequest r, Answer answer, Seen seen, Expected expected, String id, String context) {
        boolean head = "HEAD".equals(seen.method());
        if (expected instanceof EndpointSpec.Host) {
            assertTrue(seen.reachedHost(), "a path that is not the filter's reaches the host app: " + context);
            sameAsWithoutTheFilter(r, answer, id, context);
            tally.add("host app paths", answer);
            return 0;
        }
        if (expected instanceof EndpointSpec.Console c) {
            assertFalse(seen.reachedHost(), context);
            assertTrue(c.statuses().contains(answer.status()), "console answer " + c.statuses() + ": " + context);
            assertEquals("DENY", answer.header("X-Frame-Options"), context);
            if (!head) {
                assertFalse(answer.body().isBlank(), "a console answer says what happened: " + context);
            }
            if (answer.status() == 401) {
                assertTrue(answer.header("WWW-Authenticate").startsWith("Basic realm="), context);
            }
            if (answer.status() == 200 && !head) {
                assertEscaped(c.page(), answer.body());
            }
            tally.add("console paths", answer);
            return 0;
        }
        if (expected instanceof EndpointSpec.Index) {
            assertEquals(200, answer.status(), context);
            if (!head) {
                assertEquals(26, json(answer, context).path("events").size(), context);
            }
            tally.add("webhook: the event list", answer);
            return 0;
        }
        if (expected instanceof EndpointSpec.Rejected rejected) {
            assertEquals(rejected.status(), answer.status(), "the documented refusal: " + context);
            assertFalse(seen.reachedHost(), context);
            assertTrue(String.valueOf(answer.header("Content-Type")).startsWith("application/json"), context);
            String code = head ? "(HEAD)" : rejectionBody(answer, rejected, seen, context);
            if (answer.status() == 405) {
                assertEquals("GET, POST, HEAD", answer.header("Allow"), context);
            }
            if (answer.status() == 401) {
                assertTrue(String.valueOf(answer.header("WWW-Authenticate")).startsWith("Basic"), context);
            }
            tally.rejected(answer, code);
            return 0;
        }
        EndpointSpec.Accepted a = (EndpointSpec.Accepted) expected;
        assertEquals(200, answer.status(), "an acceptable delivery is accepted: " + context);
        assertFalse(seen.reachedHost(), context);
        if (a.head()) {
            assertEquals("", answer.body(), context);
            tally.add("webhook: accepted (HEAD, not stored)", answer);
            return 0;
        }
        storedAsSent(a, json(answer, context), context);
        tally.accepted(answer);
        return 1;
    }

    /** The JSON error body: its code is one of the request's faults, and it names the parameter it blames. */
    private static String rejectionBody(Answer answer, EndpointSpec.Rejected rejected, Seen seen, String context) {
        JsonNode body = json(answer, context);
        String code = body.path("error").asText(null);
        String parameter = body.hasNonNull("parameter") ? body.get("parameter").asText() : null;
        assertTrue(rejected.faults().contains(new EndpointSpec.Fault(code, parameter)),
                "the error names one of " + rejected.faults() + ": " + context);
        String message = body.path("message").asText("");
        assertFalse(message.isBlank(), "the body says what was wrong: " + context);
        if (parameter != null) {
            assertTrue(message.contains(parameter), "the message names the parameter: " + context);
        }
        if (answer.status() == 404) {
            String path = seen.uri().substring(HostileServers.CONTEXT.length() + EndpointSpec.PREFIX.length() + 1);
            assertEquals(path, body.path("event").asText(), "the 404 names the event asked for: " + context);
        }
        return code;
    }

    /** The row of an accepted delivery holds what was sent: every attribute, the query, the flags. */
    private static void storedAsSent(EndpointSpec.Accepted a, JsonNode body, String context) {
        long id = body.path("id").asLong();
        assertEquals(a.event().name(), body.path("event").asText(), context);
        Map<String, Object> row = row(id);
        assertNotNull(row, "the id answered is stored: " + context);
        assertEquals(a.event().name(), row.get("event_type"), context);
        for (Attribute attribute : Attribute.values()) {
            assertEquals(a.values().get(attribute), row.get(attribute.parameter()), "column " + attribute.parameter() + ": " + context);
        }
        assertEquals(a.storedQuery(), row.get("query_string"), "query_string as received, credentials redacted: " + context);
        assertEquals(a.undocumented(), row.get("undocumented_values"), context);
        if (body.path("repeat").asBoolean()) {
            Map<String, Object> first = row(body.path("repeat_of").asLong());
            assertNotNull(first, "repeat_of points to a stored row: " + context);
            assertEquals(row.get("event_type"), first.get("event_type"), context);
        } else {
            assertNull(row.get("repeat_of"), context);
        }
        synchronized (acceptedIds) {
            assertTrue(acceptedIds.add(id), "a new id per accepted delivery: " + context);
        }
        if (a.event().isLeadEvent() && a.values().get(Attribute.LEAD_ID) != null) {
            leadsMadeDue.add(a.values().get(Attribute.LEAD_ID));
        }
    }

    /** The host app without the filter answers the same request with the same status and body. */
    private static void sameAsWithoutTheFilter(HostileRequest r, Answer answer, String id, String context) {
        Answer bare = client.send(servers.hostOnlyPort(), r, id + "-bare");
        assertEquals(bare.status(), answer.status(), "the same status as without the filter (" + bare + "): " + context);
        assertEquals(withoutPorts(bare.body()), withoutPorts(answer.body()),
                "the same body as without the filter: " + context);
    }

    private static String withoutPorts(String body) {
        return body.replace(":" + servers.filterPort(), ":PORT").replace(":" + servers.hostOnlyPort(), ":PORT");
    }

    // ---- the console

    private static void consoleCase(HostileRequests.ConsoleCase c) {
        Sent accepted = sendAndCheck(c.accepted());
        assertEquals(200, accepted.answer().status(), secrets.mask("markup in free text is accepted: " + c));
        Sent refused = sendAndCheck(c.rejected());
        assertTrue(refused.answer().status() >= 400, secrets.mask("refused: " + c));
        Set<String> markers = markers(c.accepted().toString());
        if (refused.seen() != null) {
            markers.addAll(markers(c.rejected().toString()));
        }
        String page = admin("_dashboard").body();
        String fragment = admin("_dashboard?fragment=console").body();
        for (String marker : markers) {
            assertTrue(page.contains(marker), "the dashboard shows " + marker + " (latest deliveries and rejections)");
        }
        assertEscaped("_dashboard", page);
        assertEscaped("_dashboard?fragment=console", fragment);
        JsonNode status = statusJson();
        JsonNode latest = status.path("deliveries").path("latest").get(0);
        Map<String, Object> row = row(latest.path("id").asLong());
        assertNotNull(row, "the latest delivery of _status is stored");
        for (Map.Entry<String, JsonNode> attribute : latest.path("attributes").properties()) {
            assertEquals(row.get(attribute.getKey()), attribute.getValue().asText(),
                    "_status shows the stored " + attribute.getKey() + " exactly");
        }
        assertEquals(row.get("query_string"), latest.path("query").asText(), "_status shows the stored query exactly");
    }

    private static Answer admin(String page) {
        Answer answer = client.send(servers.filterPort(), new HostileRequest("console", "GET",
                HostileServers.CONTEXT + EndpointSpec.PREFIX + "/" + page,
                List.of(new HostileRequest.Header("Authorization", HostileRequests.basic(secrets.adminUser(),
                        secrets.adminPassword()))), null, false), "console-" + tries.get());
        servers.sentinel().take("console-" + tries.get());
        assertEquals(200, answer.status(), secrets.mask(page + ": " + answer));
        return answer;
    }

    private static JsonNode statusJson() {
        String text = admin("_status").body();
        assertFalse(text.contains("<") || text.contains(">"), "_status writes < and > as escapes: " + text);
        try {
            return STRICT_JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("_status is not valid JSON: " + e.getMessage() + "\n" + text, e);
        }
    }

    /**
     * Every marker on an HTML page stands in escaped text: no raw {@code <} or {@code </} right before it and
     * no raw quote on both sides, so nothing a caller sent became a tag or an attribute. The page's own
     * script is its only one.
     */
    static void assertEscaped(String page, String html) {
        Matcher m = Pattern.compile(MARKER).matcher(html);
        while (m.find()) {
            char before = m.start() > 0 ? html.charAt(m.start() - 1) : ' ';
            char beforeThat = m.start() > 1 ? html.charAt(m.start() - 2) : ' ';
            char after = m.end() < html.length() ? html.charAt(m.end()) : ' ';
            String around = html.substring(Math.max(0, m.start() - 80), Math.min(html.length(), m.end() + 80));
            assertFalse(before == '<' || (before == '/' && beforeThat == '<'), page + ": a caller's tag is raw markup: " + around);
            assertFalse((before == '"' && after == '"') || (before == '\'' && after == '\''),
                    page + ": a caller's quotes are raw: " + around);
        }
        if (page.equals("_dashboard")) {
            assertEquals(1, occurrences(html, "<script"), page + ": only the page's own script");
        } else if (page.startsWith("_dashboard")) {
            assertEquals(0, occurrences(html, "<script"), page + ": no script in the fragment");
        }
    }

    private static Set<String> markers(String text) {
        Set<String> found = new HashSet<>();
        Matcher m = Pattern.compile(MARKER).matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    // ---- helpers

    /** CPU time of this JVM (test, both Jettys, the filter): on a loaded machine a fairer cost than wall time. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static byte[] bodyBytes(HostileRequest r) {
        return r.body() == null ? null : r.body().getBytes(r.latin1() ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    private static JsonNode json(Answer answer, String context) {
        try {
            return STRICT_JSON.readTree(answer.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("the body is not valid JSON: " + context, e);
        }
    }

    private static int occurrences(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static long count(String sql) {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static Set<Long> ids(String sql) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static Map<String, Object> row(long id) {
        try (PreparedStatement st = db.prepareStatement("SELECT * FROM aurora_webhook_events WHERE id = ?")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Map<String, Object> row = new TreeMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
                }
                return row;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading row " + id, e);
        }
    }
}
