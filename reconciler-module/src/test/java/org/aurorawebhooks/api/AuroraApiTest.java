package org.aurorawebhooks.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.simulator.Chaos;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.simulator.TestSimulator;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/** The API client against the simulated Aurora over real HTTP. */
class AuroraApiTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private static SimulatedAurora aurora(SimulatedAurora.Options options) throws Exception {
        return SimulatedAurora.start(options.withRequestsPerMinute(60_000).withAutoFire(false));
    }

    private static AuroraApi client(SimulatedAurora aurora, String token) {
        return AuroraApi.create(URI.create(aurora.baseUrl()), aurora.tenantId(), token, new RateBudget(60_000),
                Duration.ofSeconds(5));
    }

    @Test
    void retrieveLeadReadsTopLevelAndWrappedLeads() throws Exception {
        try (SimulatedAurora plain = aurora(TestSimulator.options());
             SimulatedAurora wrapped = aurora(TestSimulator.options().withWrappedRetrieveLead(true))) {
            String a = plain.createLead();
            String b = wrapped.createLead();
            ObjectNode fromPlain = client(plain, plain.token()).retrieveLead(a).orElseThrow();
            ObjectNode fromWrapped = client(wrapped, wrapped.token()).retrieveLead(b).orElseThrow();
            assertEquals(a, fromPlain.get("id").asText());
            assertEquals(b, fromWrapped.get("id").asText());
            assertTrue(fromWrapped.has("customer"));
        }
    }

    @Test
    void missingLeadIsGoneNotAnError() throws Exception {
        try (SimulatedAurora aurora = aurora(TestSimulator.options())) {
            assertTrue(client(aurora, aurora.token()).retrieveLead("no-such-lead").isEmpty());
        }
    }

    @Test
    void listPagesCoverEveryLeadExactlyOnce() throws Exception {
        try (SimulatedAurora aurora = aurora(TestSimulator.options())) {
            aurora.seedLeads(237);
            AuroraApi api = client(aurora, aurora.token());
            Set<String> seen = new HashSet<>();
            int pages = 0;
            for (int page = 1; ; page++) {
                LeadPage p = api.listLeads(page, 50);
                pages++;
                p.leads().forEach(l -> assertTrue(seen.add(l.get("id").asText()), "listed twice"));
                if (p.isLast()) {
                    break;
                }
            }
            assertEquals(237, seen.size());
            assertEquals(5, pages);
        }
    }

    @Test
    void refusedTokenFailsAtOnceWithoutRetryAndWithoutTheToken() throws Exception {
        try (SimulatedAurora aurora = aurora(TestSimulator.options())) {
            AuroraApi api = client(aurora, "not-the-token-123");
            AuroraAuthenticationException e = assertThrows(AuroraAuthenticationException.class, () -> api.retrieveLead("x"));
            assertTrue(e.getMessage().contains("401"), e.getMessage());
            assertFalse(e.getMessage().contains("not-the-token-123"));
            assertEquals(1, aurora.requests());
        }
    }

    @Test
    void serverErrorsAreRetriedUntilTheyPass() throws Exception {
        try (SimulatedAurora aurora = aurora(TestSimulator.options())) {
            String id = aurora.createLead();
            aurora.failNext(2, 503);
            AuroraApi api = client(aurora, aurora.token());
            assertEquals(id, api.retrieveLead(id).orElseThrow().get("id").asText());
            assertEquals(3, api.stats().calls());
        }
    }

    @Test
    void persistentServerErrorsGiveUpAfterBoundedAttempts() throws Exception {
        try (SimulatedAurora aurora = aurora(TestSimulator.options())) {
            aurora.failNext(100, 500);
            AuroraApi api = client(aurora, aurora.token());
            AuroraApiException e = assertThrows(AuroraApiException.class, () -> api.listLeads(1, 10));
            assertTrue(e.getMessage().contains("failed after 5 attempts: HTTP 500"), e.getMessage());
            assertEquals(5, aurora.requests());
        }
    }

    @Test
    void malformedJsonIsAClearError() throws Exception {
        try (SimulatedAurora aurora = aurora(TestSimulator.options())) {
            String id = aurora.createLead();
            aurora.malformedNext(1);
            AuroraApiException e = assertThrows(AuroraApiException.class, () -> client(aurora, aurora.token()).retrieveLead(id));
            assertTrue(e.getMessage().startsWith("Aurora answered malformed JSON for GET /tenants/"), e.getMessage());
        }
    }

    @Test
    void throttledCallsWaitForRetryAfterAndAreCounted() throws Exception {
        try (SimulatedAurora aurora = aurora(TestSimulator.options())) {
            String id = aurora.createLead();
            aurora.throttleNext(2);
            AuroraApi api = client(aurora, aurora.token());
            assertTrue(api.retrieveLead(id).isPresent());
            assertEquals(new ApiStats(3, 2), api.stats());
        }
    }

    @Test
    void budgetAtTheServersLimitNeverLetsASlidingMinuteSeeMoreThanTheLimit() throws Exception {
        FakeTime time = new FakeTime(START);
        RateBudget budget = new RateBudget(90, time, time);
        List<Instant> permits = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            budget.acquire();
            permits.add(time.instant());
        }
        // The simulator's (and a sliding-window server's) rule: a request passes when fewer than 90
        // passed in the minute before it, i.e. the 90th permit before it is a full minute old. With the
        // margin it is, even when that earlier request reached the server up to a second after its permit.
        for (int i = 90; i < permits.size(); i++) {
            assertFalse(permits.get(i).isBefore(permits.get(i - 90).plus(Duration.ofSeconds(61))),
                    "permit " + i + " comes less than a minute and a second after permit " + (i - 90));
        }
        // ... and no slower than that: 400 permits in 399 intervals of 61 s / 90.
        assertTrue(Duration.between(permits.get(0), permits.get(399)).compareTo(Duration.ofNanos(399 * 677_777_778L)) <= 0);
    }

    @Test
    void clientsOfOneTenantShareOneBudget() {
        String tenant = "t-" + UUID.randomUUID();
        Settings settings = Settings.of(Map.of("aurora.api.base-url", "http://127.0.0.1:9", "aurora.api.tenant-id", tenant,
                "aurora.api.token", TestSecrets.fresh("api-token"), "aurora.api.requests-per-minute", "90"));
        // The budget exists already with another rate: a client that made its own would report 90.
        RateBudget shared = RateBudget.shared("http://127.0.0.1:9|" + tenant, 37);
        assertSame(shared, RateBudget.shared("http://127.0.0.1:9|" + tenant, 90));
        try (AuroraApi a = AuroraApi.create(settings); AuroraApi b = AuroraApi.create(settings)) {
            assertEquals(37, a.requestsPerMinute());
            assertEquals(37, b.requestsPerMinute());
        }
    }

    @Test
    void retryAfterAcceptsSecondsAndHttpDatesAndIsCapped() {
        FakeTime time = new FakeTime(Instant.parse("2019-01-01T00:00:00Z"));
        assertEquals(Duration.ofSeconds(7), AuroraApi.retryAfter("7", time));
        assertEquals(Duration.ofSeconds(5), AuroraApi.retryAfter(null, time));
        assertEquals(Duration.ofSeconds(30), AuroraApi.retryAfter("Tue, 01 Jan 2019 00:00:30 GMT", time));
        assertEquals(Duration.ZERO, AuroraApi.retryAfter("Mon, 31 Dec 2018 23:00:00 GMT", time));
        assertEquals(AuroraApi.MAX_RETRY_AFTER, AuroraApi.retryAfter("86400", time));
        assertEquals(AuroraApi.MAX_RETRY_AFTER, AuroraApi.retryAfter("Wed, 02 Jan 2019 00:00:00 GMT", time));
    }

    @Test
    void endlessLongRetryAftersEndTheCallWithinItsLimitAfterCappedWaits() throws Exception {
        FakeTime time = new FakeTime(START);
        try (RawServer server = RawServer.answering("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 86400\r\n"
                + "Content-Length: 0\r\n\r\n");
             AuroraApi api = AuroraApi.create(URI.create(server.url()), "t1", TestSecrets.fresh("api-token"), new RateBudget(60_000, time, time),
                     Duration.ofSeconds(5), time, time)) {
            AuroraApiException e = assertThrows(AuroraApiException.class, () -> api.retrieveLead("x"));
            assertTrue(e.getMessage().contains("429"), e.getMessage());
            // Five capped waits fit in the limit, not one wait of a day.
            long expectedTries = AuroraApi.MAX_CALL_DURATION.dividedBy(AuroraApi.MAX_RETRY_AFTER);
            assertEquals(new ApiStats(expectedTries, expectedTries), api.stats());
            List<Duration> longWaits = time.sleeps().stream().filter(d -> d.toSeconds() > 1).toList();
            assertEquals(java.util.Collections.nCopies((int) expectedTries - 1, AuroraApi.MAX_RETRY_AFTER), longWaits);
            assertTrue(Duration.between(START, time.instant()).compareTo(AuroraApi.MAX_CALL_DURATION) <= 0,
                    "the call took " + Duration.between(START, time.instant()));
        }
    }

    @Test
    void connectionRefusedFailsAtOnceNamingTheUrlAndTheKey() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort;
        FakeTime time = new FakeTime(START);
        try (AuroraApi api = AuroraApi.create(URI.create(url), "t1", TestSecrets.fresh("api-token"), new RateBudget(60_000, time, time),
                Duration.ofSeconds(5), time, time)) {
            AuroraUnreachableException e = assertThrows(AuroraUnreachableException.class, () -> api.listLeads(1, 10));
            assertEquals("cannot reach Aurora's API at " + url + " (aurora.api.base-url): connection refused", e.getMessage());
            assertEquals(1, api.stats().calls(), "not retried");
            assertEquals(List.of(), time.sleeps().stream().filter(d -> d.toMillis() > 1).toList());
        }
    }

    @Test
    void unknownHostFailsAtOnceNamingTheHostAndTheKey() {
        FakeTime time = new FakeTime(START);
        try (AuroraApi api = AuroraApi.create(URI.create("http://no-such-host.invalid"), "t1", TestSecrets.fresh("api-token"),
                new RateBudget(60_000, time, time), Duration.ofSeconds(5), time, time)) {
            AuroraUnreachableException e = assertThrows(AuroraUnreachableException.class, () -> api.listLeads(1, 10));
            assertEquals("cannot reach Aurora's API at http://no-such-host.invalid (aurora.api.base-url): "
                    + "unknown host no-such-host.invalid", e.getMessage());
            assertEquals(1, api.stats().calls(), "not retried");
        }
    }

    @Test
    void otherIoErrorsAreRetriedAndTheFinalMessageNamesTheHostAndTheKey() throws Exception {
        FakeTime time = new FakeTime(START);
        try (RawServer server = RawServer.answering(""); // accepts, then closes without a word
             AuroraApi api = AuroraApi.create(URI.create(server.url()), "t1", TestSecrets.fresh("api-token"), new RateBudget(60_000, time, time),
                     Duration.ofSeconds(5), time, time)) {
            AuroraApiException e = assertThrows(AuroraApiException.class, () -> api.listLeads(1, 10));
            assertTrue(e.getMessage().startsWith("GET " + server.url() + "/tenants/t1/leads?page=1&per_page=10 failed "
                    + "after 5 attempts: IOException"), e.getMessage());
            assertTrue(e.getMessage().endsWith("(is aurora.api.base-url=" + server.url() + " right?)"), e.getMessage());
            assertEquals(5, api.stats().calls());
        }
    }

    @Test
    void aLeadIsGoneOnlyWhenItAnswers404BeforeAndAfterAListingOfTheTenant() throws Exception {
        try (SimulatedAurora aurora = aurora(TestSimulator.options())) {
            AuroraApi api = client(aurora, aurora.token());
            assertTrue(api.retrieveLead("no-such-lead").isEmpty());
            assertEquals(1, aurora.listLeadsCalls(), "a 404 checks the tenant with a listing");
            assertEquals(2, aurora.retrieveLeadCalls(), "and asks for the lead again after it");
            assertTrue(api.retrieveLead("no-such-lead").isEmpty());
            assertEquals(2, aurora.listLeadsCalls(), "every time: no earlier success vouches for the tenant now");
        }
    }

    @Test
    void aLeadAskedForWhileItsTenantIsUnknownIsNotGoneButTheTenantIsUnknown() throws Exception {
        try (SimulatedAurora aurora = aurora(TestSimulator.options())) {
            String lead = aurora.createLead();
            AuroraApi api = client(aurora, aurora.token());
            assertTrue(api.retrieveLead(lead).isPresent(), "the tenant worked a moment ago");
            aurora.tenantUnknown(true);
            assertThrows(AuroraUnknownTenantException.class, () -> api.retrieveLead(lead));
        }
    }

    @Test
    void aTenantUnknownAtTheLeads404AndKnownAgainAtTheListingLeavesTheLeadLive() throws Exception {
        String lead = "{\"id\":\"l1\",\"customer\":{}}";
        try (ScriptedServer server = new ScriptedServer(List.of(
                new ScriptedServer.Answer(404, "{\"error\":\"unknown tenant\"}"),
                new ScriptedServer.Answer(200, "{\"leads\":[]}"),
                new ScriptedServer.Answer(200, lead)));
             AuroraApi api = AuroraApi.create(URI.create(server.url()), "t1", "token", new RateBudget(60_000),
                     Duration.ofSeconds(5))) {
            assertEquals("l1", api.retrieveLead("l1").orElseThrow().get("id").asText());
            assertEquals(List.of("GET /tenants/t1/leads/l1", "GET /tenants/t1/leads", "GET /tenants/t1/leads/l1"),
                    server.requests());
        }
    }

    @Test
    void aCreateWebhookWhoseAnswerNeverCameIsNotSentTwice() throws Exception {
        try (SimulatedAurora aurora = aurora(TestSimulator.options());
             AuroraApi api = AuroraApi.create(URI.create(aurora.baseUrl()), aurora.tenantId(), aurora.token(),
                     new RateBudget(60_000), Duration.ofMillis(500))) {
            // Aurora creates the subscription, then its answer comes only after the client stopped waiting.
            aurora.chaos(new Chaos(1, 0, Duration.ofSeconds(1), 0, 1.0, Duration.ofSeconds(2),
                    0, Duration.ZERO, 0));
            AuroraApiException e = assertThrows(AuroraApiException.class, () -> api.createWebhook(new Subscription(null,
                    "lead_created", "http://app/aurora/webhooks/lead_created?lead_id=<LEAD_ID>", "t", true, null, null)));
            aurora.chaos(null);
            assertTrue(e.getMessage().contains("not retried"), e.getMessage());
            assertEquals(1, aurora.subscriptions().size(), "one POST, one subscription");
        }
    }

    @Test
    void aCreateWebhookAnswered5xxIsNotRetriedButAReadIs() throws Exception {
        try (SimulatedAurora aurora = aurora(TestSimulator.options())) {
            AuroraApi api = client(aurora, aurora.token());
            aurora.failNext(1, 502);
            assertThrows(AuroraApiException.class, () -> api.createWebhook(new Subscription(null, "lead_created",
                    "http://app/aurora/webhooks/lead_created?lead_id=<LEAD_ID>", "t", true, null, null)));
            assertEquals(1, aurora.requests());
            aurora.failNext(1, 502);
            assertEquals(List.of(), api.listWebhooks());
            assertEquals(3, aurora.requests(), "the listing was retried after its 502");
        }
    }

    /** A loopback HTTP server answering its requests, one after the other, with the answers it was given. */
    private static final class ScriptedServer implements AutoCloseable {
        record Answer(int status, String body) {
        }

        private final com.sun.net.httpserver.HttpServer server;
        private final java.util.Deque<Answer> answers;
        private final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());

        ScriptedServer(List<Answer> script) throws IOException {
            answers = new java.util.concurrent.LinkedBlockingDeque<>(script);
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", ex -> {
                try (ex) {
                    requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
                    Answer a = answers.poll();
                    byte[] body = (a == null ? "{\"error\":\"script ended\"}" : a.body()).getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(a == null ? 500 : a.status(), body.length);
                    ex.getResponseBody().write(body);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        List<String> requests() {
            return List.copyOf(requests);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void notFoundUnderAMistypedTenantIsAnUnknownTenantNamingTheKey() throws Exception {
        try (SimulatedAurora aurora = aurora(TestSimulator.options());
             AuroraApi api = AuroraApi.create(URI.create(aurora.baseUrl()), aurora.tenantId() + "x", aurora.token(),
                     new RateBudget(60_000), Duration.ofSeconds(5))) {
            String lead = aurora.createLead();
            AuroraUnknownTenantException e = assertThrows(AuroraUnknownTenantException.class, () -> api.retrieveLead(lead));
            assertTrue(e.getMessage().contains("does not know the tenant \"" + aurora.tenantId() + "x\"; check "
                    + "aurora.api.tenant-id"), e.getMessage());
            assertThrows(AuroraUnknownTenantException.class, () -> api.listLeads(1, 10));
            assertThrows(AuroraUnknownTenantException.class, api::listWebhooks);
        }
    }

    /** A loopback server answering every connection with fixed bytes (none: it just closes), then closing. */
    private static final class RawServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        private RawServer(ServerSocket socket, String answer) {
            this.socket = socket;
            this.thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket c = socket.accept()) {
                        c.setSoTimeout(2_000);
                        readHead(c.getInputStream());
                        c.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                        c.getOutputStream().flush();
                    } catch (IOException e) {
                        // closed, or the client went away
                    }
                }
            }, "raw-server");
            thread.setDaemon(true);
            thread.start();
        }

        static RawServer answering(String answer) throws IOException {
            return new RawServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), answer);
        }

        private static void readHead(InputStream in) throws IOException {
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            for (int b; matched < 4 && (b = in.read()) >= 0; ) {
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void subscriptionToStringHidesTheHeaderValue() {
        Subscription s = new Subscription("1", "lead_created", "https://x/y", "d", true, "X-T", "secret-value");
        assertFalse(s.toString().contains("secret-value"));
    }
}
