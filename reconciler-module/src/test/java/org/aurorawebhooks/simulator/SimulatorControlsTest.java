package org.aurorawebhooks.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.aurorawebhooks.sync.Testbed;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.api.Test;

/** A developer drives the simulator over HTTP; its webhooks reach the app and the lead is synced. */
class SimulatorControlsTest {

    @Test
    void leadCreatedThroughTheControlsIsDeliveredAndSynced() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(bed.aurora.baseUrl() + "/_simulator/leads"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode());
            String id = created.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
            Testbed.await("lead " + id, () -> bed.leadRow(id));

            HttpResponse<String> changed = http.send(HttpRequest.newBuilder(URI.create(bed.aurora.baseUrl()
                    + "/_simulator/leads/" + id + "/change")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, changed.statusCode());
            String phone = bed.aurora.lead(id).get("customer").get("customer_phone").asText();
            Testbed.await("the changed phone", () -> bed.leadRow(id).filter(r -> phone.equals(r.get("customer_phone"))));

            HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(bed.aurora.baseUrl()
                    + "/_simulator/leads/" + id)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, deleted.statusCode());
            assertEquals(Optional.empty(), Optional.ofNullable(bed.aurora.lead(id)));
        }
    }

    @Test
    void deletingAnUnknownLeadAnswers404WithAJsonError() throws Exception {
        try (SimulatedAurora aurora = SimulatedAurora.start(TestSimulator.options())) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(aurora.baseUrl()
                    + "/_simulator/leads/no-such-lead")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, r.statusCode());
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
            assertEquals("{\"error\":\"no lead no-such-lead\"}", r.body());
        }
    }
}
