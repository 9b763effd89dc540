package org.aurorawebhooks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.aurorawebhooks.testing.SettableClock;
import org.junit.jupiter.api.Test;

class EndpointTrafficTest {
    @Test
    void rejectedQueriesAreRedactedAsStoredQueriesAreEvenWhenMalformed() {
        assertEquals("lead_id=L1&token=REDACTED&Session%5FToken=REDACTED&x=%ZZ&&api_key=REDACTED",
                EndpointTraffic.redact("lead_id=L1&token=abc&Session%5FToken=def&x=%ZZ&&api_key"));
        assertEquals("%E0%A4%A=1&password=REDACTED", EndpointTraffic.redact("%E0%A4%A=1&password=p"));
    }

    @Test
    void onlyTheLatestRejectionsAreKeptEachBoundedAndNewestFirst() {
        SettableClock clock = new SettableClock(Instant.parse("2026-11-25T10:00:00Z"));
        EndpointTraffic traffic = new EndpointTraffic(clock, List.of("lead_created"), EndpointTraffic.knownReasons());
        for (int i = 0; i < EndpointTraffic.LATEST + 10; i++) {
            traffic.rejected("unknown_event", 404, "GET", "/aurora/webhooks/e" + i + "x".repeat(500), "q=" + "y".repeat(1000));
        }
        traffic.accepted("lead_created");
        List<EndpointTraffic.RejectedRequest> latest = traffic.latestRejections();
        assertEquals(EndpointTraffic.LATEST, latest.size());
        assertTrue(latest.get(0).path().startsWith("/aurora/webhooks/e59"), latest.get(0).path());
        assertEquals(EndpointTraffic.MAX_PATH, latest.get(0).path().length());
        assertEquals(EndpointTraffic.MAX_QUERY, latest.get(0).query().length());
        assertEquals(60L, traffic.rejectedCounts().get("unknown_event"));
        assertEquals(0L, traffic.rejectedCounts().get("unauthorized"), "every known reason from zero");
        assertEquals(1L, traffic.acceptedCount("lead_created"));
    }
}
