package org.aurorawebhooks.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The simulator's chaos: seeded random faults (429 with Retry-After, 5xx, hangs past the client's timeout,
 * slow and malformed answers), a period with the tenant unknown, and every API request recorded with its
 * key so a test can count requests per rate window. Raw HTTP, so that no client retries hide an answer.
 */
class SimulatorChaosTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEBHOOK = "{\"webhook\":{\"event\":\"lead_created\",\"url_template\":\"http://x/a\"}}";
    private final HttpClient http = HttpClient.newHttpClient();

    private static SimulatedAurora aurora() throws Exception {
        return SimulatedAurora.start(SimulatedAurora.Options.defaults().withRequestsPerMinute(100_000).withAutoFire(false));
    }

    private static Chaos only(long seed, double throttle, double serverError, double hang, double slow, double malformed) {
        return new Chaos(seed, throttle, Duration.ofSeconds(5), serverError, hang, Duration.ofMillis(1500), slow,
                Duration.ofMillis(50), malformed);
    }

    private HttpResponse<String> get(SimulatedAurora aurora, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(aurora.baseUrl() + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> createWebhook(SimulatedAurora aurora, Duration timeout) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(aurora.baseUrl() + "/tenants/" + aurora.tenantId() + "/webhooks"))
                .header("Authorization", "Bearer " + aurora.token()).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(WEBHOOK)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<ApiRequest.Fault> faultsOf(SimulatedAurora aurora, Chaos chaos, String lead, int requests) throws Exception {
        aurora.chaos(chaos);
        int before = aurora.apiRequests().size();
        for (int i = 0; i < requests; i++) {
            get(aurora, "/tenants/" + aurora.tenantId() + "/leads/" + lead, aurora.token());
        }
        aurora.chaos(null);
        return aurora.apiRequests().subList(before, before + requests).stream().map(ApiRequest::fault).toList();
    }

    @Test
    void theSameSeedMeetsTheSameFaultsInTheSameOrder() throws Exception {
        try (SimulatedAurora aurora = aurora()) {
            String lead = aurora.createLead();
            List<ApiRequest.Fault> first = faultsOf(aurora, only(7, 0.2, 0.2, 0, 0.2, 0.2), lead, 100);
            List<ApiRequest.Fault> again = faultsOf(aurora, only(7, 0.2, 0.2, 0, 0.2, 0.2), lead, 100);
            List<ApiRequest.Fault> other = faultsOf(aurora, only(8, 0.2, 0.2, 0, 0.2, 0.2), lead, 100);
            assertEquals(first, again);
            assertNotEquals(first, other);
            assertEquals(Set.of(ApiRequest.Fault.NONE, ApiRequest.Fault.THROTTLED, ApiRequest.Fault.SERVER_ERROR,
                    ApiRequest.Fault.SLOW, ApiRequest.Fault.MALFORMED), Set.copyOf(first),
                    "every fault these shares choose, and requests answered as asked");
        }
    }

    @Test
    void throttledAndFailedRequestsAreRefusedBeforeTheyChangeAnything() throws Exception {
        try (SimulatedAurora aurora = aurora()) {
            aurora.chaos(only(1, 1.0, 0, 0, 0, 0));
            HttpResponse<String> throttled = createWebhook(aurora, Duration.ofSeconds(30));
            assertEquals(429, throttled.statusCode());
            long retryAfter = Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 5, "Retry-After " + retryAfter);

            aurora.chaos(only(1, 0, 1.0, 0, 0, 0));
            int status = createWebhook(aurora, Duration.ofSeconds(30)).statusCode();
            assertTrue(List.of(500, 502, 503, 504).contains(status), "status " + status);
            assertEquals(List.of(), aurora.subscriptions(), "neither request created a subscription");
            assertEquals(List.of(ApiRequest.Fault.THROTTLED, ApiRequest.Fault.SERVER_ERROR),
                    aurora.apiRequests().stream().map(ApiRequest::fault).toList());
        }
    }

    @Test
    void aHungAnswerComesAfterTheClientGaveUpWhileTheRequestTookEffect() throws Exception {
        try (SimulatedAurora aurora = aurora()) {
            aurora.chaos(only(1, 0, 0, 1.0, 0, 0));
            assertThrows(HttpTimeoutException.class, () -> createWebhook(aurora, Duration.ofMillis(300)));
            assertEquals(1, aurora.subscriptions().size(), "handled, though its answer never reached the client");
            aurora.chaos(null);
            // The hung answer's status is recorded once it is written: wait for it rather than for a time.
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (aurora.apiRequests().get(0).status() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(ApiRequest.Fault.HANG, aurora.apiRequests().get(0).fault());
            assertEquals(201, aurora.apiRequests().get(0).status());
        }
    }

    @Test
    void malformedAnswersAreTheRealAnswerCutInHalf() throws Exception {
        try (SimulatedAurora aurora = aurora()) {
            String lead = aurora.createLead();
            aurora.chaos(only(1, 0, 0, 0, 0, 1.0));
            HttpResponse<String> cut = get(aurora, "/tenants/" + aurora.tenantId() + "/leads/" + lead, aurora.token());
            assertEquals(200, cut.statusCode());
            String whole = aurora.lead(lead).toString();
            assertEquals(whole.substring(0, whole.getBytes(java.nio.charset.StandardCharsets.UTF_8).length / 2), cut.body());
            assertThrows(JsonProcessingException.class, () -> JSON.readTree(cut.body()));
            // A 404 has nothing to cut: it arrives whole, and is not counted as malformed.
            HttpResponse<String> missing = get(aurora, "/tenants/" + aurora.tenantId() + "/leads/nope", aurora.token());
            assertEquals(404, missing.statusCode());
            JSON.readTree(missing.body());
            assertEquals(List.of(ApiRequest.Fault.MALFORMED, ApiRequest.Fault.NONE),
                    aurora.apiRequests().stream().map(ApiRequest::fault).toList());
        }
    }

    @Test
    void slowAnswersArriveWhole() throws Exception {
        try (SimulatedAurora aurora = aurora()) {
            String lead = aurora.createLead();
            aurora.chaos(only(1, 0, 0, 0, 1.0, 0));
            HttpResponse<String> slow = get(aurora, "/tenants/" + aurora.tenantId() + "/leads/" + lead, aurora.token());
            assertEquals(JSON.readTree(aurora.lead(lead).toString()), JSON.readTree(slow.body()));
            assertEquals(ApiRequest.Fault.SLOW, aurora.apiRequests().get(0).fault());
        }
    }

    @Test
    void whileTheTenantIsUnknownEveryTenantCallAnswers404AndAfterwardsAllIsAsBefore() throws Exception {
        try (SimulatedAurora aurora = aurora()) {
            String lead = aurora.createLead();
            String leadPath = "/tenants/" + aurora.tenantId() + "/leads/" + lead;
            aurora.tenantUnknown(true);
            assertEquals(404, get(aurora, leadPath, aurora.token()).statusCode());
            assertEquals(404, get(aurora, "/tenants/" + aurora.tenantId() + "/leads?page=1&per_page=1", aurora.token()).statusCode());
            assertEquals(404, createWebhook(aurora, Duration.ofSeconds(30)).statusCode());
            aurora.tenantUnknown(false);
            assertEquals(200, get(aurora, leadPath, aurora.token()).statusCode());
            assertEquals(List.of(), aurora.subscriptions());
            assertEquals(List.of(ApiRequest.Fault.UNKNOWN_TENANT, ApiRequest.Fault.UNKNOWN_TENANT,
                    ApiRequest.Fault.UNKNOWN_TENANT, ApiRequest.Fault.NONE),
                    aurora.apiRequests().stream().map(ApiRequest::fault).toList());
        }
    }

    @Test
    void requestsAreRecordedUnderTheirKeyNeverWithTheToken() throws Exception {
        try (SimulatedAurora aurora = aurora()) {
            String operatorToken = "operator-" + java.util.UUID.randomUUID();
            aurora.acceptToken("operator", operatorToken);
            String leads = "/tenants/" + aurora.tenantId() + "/leads";
            assertEquals(200, get(aurora, leads, aurora.token()).statusCode());
            assertEquals(200, get(aurora, leads, operatorToken).statusCode());
            assertEquals(401, get(aurora, leads, "wrong").statusCode());
            List<ApiRequest> seen = aurora.apiRequests();
            assertEquals(List.of("primary", "operator", "unauthorized"), seen.stream().map(ApiRequest::key).toList());
            assertEquals(List.of(200, 200, 401), seen.stream().map(ApiRequest::status).toList());
            assertTrue(seen.stream().noneMatch(r -> r.toString().contains(operatorToken) || r.toString().contains(aurora.token())));
        }
    }

    @Test
    void theBusiestWindowCountsArrivalsLessThanItsLengthApart() {
        long s = 1_000_000_000L;
        List<ApiRequest> arrivals = new ArrayList<>();
        for (long at : new long[] {0, 10 * s, 60 * s - 1, 60 * s, 61 * s, 62 * s}) {
            arrivals.add(new ApiRequest(at, "primary", "GET", "/x", 200, ApiRequest.Fault.NONE));
        }
        // 0 .. 60 s - 1 ns are three within one minute; 0 and 60 s are a full minute apart, as a sliding
        // window that lets a request pass when the one N before it is a minute old sees them.
        assertEquals(new ApiRequest.Window(5, 10 * s, 62 * s), ApiRequest.busiestWindow(arrivals, Duration.ofMinutes(1)));
        assertEquals(new ApiRequest.Window(3, 0, 60 * s - 1), ApiRequest.busiestWindow(arrivals.subList(0, 4), Duration.ofMinutes(1)));
        assertEquals(new ApiRequest.Window(0, 0, 0), ApiRequest.busiestWindow(List.of(), Duration.ofMinutes(1)));
    }
}
