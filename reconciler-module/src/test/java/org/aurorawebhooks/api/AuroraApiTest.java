package org.aurorawebhooks.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.junit.jupiter.api.Test;

/** The API client against the simulated Aurora over real HTTP. */
class AuroraApiTest {

    private static SimulatedAurora aurora(SimulatedAurora.Options options) throws Exception {
        return SimulatedAurora.start(options.withRequestsPerMinute(60_000).withAutoFire(false));
    }

    private static AuroraApi client(SimulatedAurora aurora, String token) {
        return AuroraApi.create(URI.create(aurora.baseUrl()), aurora.tenantId(), token, new RateBudget(60_000),
                Duration.ofSeconds(5));
    }

    @Test
    void retrieveLeadReadsTopLevelAndWrappedLeads() throws Exception {
        try (SimulatedAurora plain = aurora(SimulatedAurora.Options.defaults());
             SimulatedAurora wrapped = aurora(SimulatedAurora.Options.defaults().withWrappedRetrieveLead(true))) {
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
        try (SimulatedAurora aurora = aurora(SimulatedAurora.Options.defaults())) {
            assertTrue(client(aurora, aurora.token()).retrieveLead("no-such-lead").isEmpty());
        }
    }

    @Test
    void listPagesCoverEveryLeadExactlyOnce() throws Exception {
        try (SimulatedAurora aurora = aurora(SimulatedAurora.Options.defaults())) {
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
        try (SimulatedAurora aurora = aurora(SimulatedAurora.Options.defaults())) {
            AuroraApi api = client(aurora, "not-the-token-123");
            AuroraAuthenticationException e = assertThrows(AuroraAuthenticationException.class, () -> api.retrieveLead("x"));
            assertTrue(e.getMessage().contains("401"), e.getMessage());
            assertFalse(e.getMessage().contains("not-the-token-123"));
            assertEquals(1, aurora.requests());
        }
    }

    @Test
    void serverErrorsAreRetriedUntilTheyPass() throws Exception {
        try (SimulatedAurora aurora = aurora(SimulatedAurora.Options.defaults())) {
            String id = aurora.createLead();
            aurora.failNext(2, 503);
            AuroraApi api = client(aurora, aurora.token());
            assertEquals(id, api.retrieveLead(id).orElseThrow().get("id").asText());
            assertEquals(3, api.stats().calls());
        }
    }

    @Test
    void persistentServerErrorsGiveUpAfterBoundedAttempts() throws Exception {
        try (SimulatedAurora aurora = aurora(SimulatedAurora.Options.defaults())) {
            aurora.failNext(100, 500);
            AuroraApi api = client(aurora, aurora.token());
            AuroraApiException e = assertThrows(AuroraApiException.class, () -> api.listLeads(1, 10));
            assertTrue(e.getMessage().contains("failed after 5 attempts: HTTP 500"), e.getMessage());
            assertEquals(5, aurora.requests());
        }
    }

    @Test
    void malformedJsonIsAClearError() throws Exception {
        try (SimulatedAurora aurora = aurora(SimulatedAurora.Options.defaults())) {
            String id = aurora.createLead();
            aurora.malformedNext(1);
            AuroraApiException e = assertThrows(AuroraApiException.class, () -> client(aurora, aurora.token()).retrieveLead(id));
            assertTrue(e.getMessage().startsWith("Aurora answered malformed JSON for GET /tenants/"), e.getMessage());
        }
    }

    @Test
    void throttledCallsWaitForRetryAfterAndAreCounted() throws Exception {
        try (SimulatedAurora aurora = aurora(SimulatedAurora.Options.defaults())) {
            String id = aurora.createLead();
            aurora.throttleNext(2);
            AuroraApi api = client(aurora, aurora.token());
            assertTrue(api.retrieveLead(id).isPresent());
            assertEquals(new ApiStats(3, 2), api.stats());
        }
    }

    @Test
    void budgetAtTheServersLimitIsNeverThrottled() throws Exception {
        try (SimulatedAurora aurora = SimulatedAurora.start(SimulatedAurora.Options.defaults().withRequestsPerMinute(600)
                .withAutoFire(false))) {
            aurora.seedLeads(10);
            AuroraApi api = AuroraApi.create(URI.create(aurora.baseUrl()), aurora.tenantId(), aurora.token(),
                    new RateBudget(600), Duration.ofSeconds(5));
            for (int i = 0; i < 15; i++) {
                api.listLeads(1, 5);
            }
            assertEquals(0, aurora.throttledAnswers());
        }
    }

    @Test
    void clientsOfOneTenantShareOneBudget() {
        Settings settings = Settings.of(Map.of("aurora.api.base-url", "http://127.0.0.1:9", "aurora.api.tenant-id", "t1",
                "aurora.api.token", "x"));
        RateBudget a = RateBudget.shared("http://127.0.0.1:9|t1", 90);
        assertSame(a, RateBudget.shared("http://127.0.0.1:9|t1", 90));
        assertEquals(90, AuroraApi.create(settings).requestsPerMinute());
    }

    @Test
    void retryAfterAcceptsSecondsAndHttpDates() {
        assertEquals(7_000, AuroraApi.retryAfterMillis("7"));
        assertEquals(5_000, AuroraApi.retryAfterMillis(null));
        assertEquals(0, AuroraApi.retryAfterMillis("Tue, 01 Jan 2019 00:00:00 GMT"));
    }

    @Test
    void subscriptionToStringHidesTheHeaderValue() {
        Subscription s = new Subscription("1", "lead_created", "https://x/y", "d", true, "X-T", "secret-value");
        assertFalse(s.toString().contains("secret-value"));
    }
}
