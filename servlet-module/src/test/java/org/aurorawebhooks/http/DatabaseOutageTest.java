package org.aurorawebhooks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TcpProxy;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A database outage costs 503s on the webhook paths only, and ends without a restart. */
class DatabaseOutageTest {

    /** Retries until the writer's short fail-fast window after a failure has passed. */
    private static HttpResponse<String> deliverUntilAccepted(FilterHarness app, String pathAndQuery) throws Exception {
        HttpResponse<String> r = null;
        for (int i = 0; i < 100; i++) {
            r = WebhookFilterTest.deliver(app, pathAndQuery);
            if (r.statusCode() == 200) {
                return r;
            }
            Thread.sleep(100);
        }
        return r;
    }

    @Test
    void sqliteThatCannotBeOpenedGets503AndRecoversWhenItCan() throws Exception {
        Path dir = Files.createTempDirectory("aurora-outage-").resolve("not-yet");
        Map<String, String> config = new HashMap<>();
        config.put("aurora.db.url", "jdbc:sqlite:" + dir.resolve("events.db"));
        config.put("aurora.webhooks.auth.header-name", WebhookFilterTest.TOKEN_HEADER);
        config.put("aurora.webhooks.auth.header-value", WebhookFilterTest.TOKEN);
        try (FilterHarness app = FilterHarness.start(config)) {
            HttpResponse<String> down = WebhookFilterTest.deliver(app, "lead_created?lead_id=L1");
            assertEquals(503, down.statusCode());
            assertEquals("5", down.headers().firstValue("Retry-After").orElse(""));
            assertEquals("store_unavailable", WebhookFilterTest.json(down).get("error").asText());
            assertEquals("host:GET /app/health", app.get("/health").body(), "the host app is unaffected");

            Files.createDirectories(dir);
            HttpResponse<String> up = deliverUntilAccepted(app, "lead_created?lead_id=L2");
            assertEquals(200, up.statusCode(), up.body());
            assertEquals(1, WebhookFilterTest.rows(app), "only the acknowledged delivery is stored");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void serverOutageGets503WithRetryAfterAndRecoversWithoutRestart(Kind kind) throws Exception {
        Map<String, String> db = TestDatabases.fresh(kind);
        String direct = db.get("aurora.db.url");
        int port = kind == Kind.POSTGRESQL ? 5432 : 3306;
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", port)) {
            Map<String, String> config = new HashMap<>();
            config.put("aurora.db.url", direct.replace("127.0.0.1:" + port, "127.0.0.1:" + proxy.port()));
            config.put("aurora.webhooks.auth.header-name", WebhookFilterTest.TOKEN_HEADER);
            config.put("aurora.webhooks.auth.header-value", WebhookFilterTest.TOKEN);
            try (FilterHarness app = FilterHarness.start(config)) {
                assertEquals(200, WebhookFilterTest.deliver(app, "lead_created?lead_id=L1").statusCode());
                proxy.cut();
                HttpResponse<String> down = WebhookFilterTest.deliver(app, "lead_created?lead_id=L2");
                assertEquals(503, down.statusCode(), down.body());
                assertTrue(down.headers().firstValue("Retry-After").isPresent());
                assertEquals("host:GET /app/orders", app.get("/orders").body());

                proxy.restore();
                HttpResponse<String> up = deliverUntilAccepted(app, "lead_created?lead_id=L3");
                assertEquals(200, up.statusCode(), up.body());
                long rows = org.jdbi.v3.core.Jdbi.create(direct).withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM aurora_webhook_events").mapTo(Long.class).one());
                assertEquals(2, rows, "L1 and L3 were acknowledged and stored; L2 was refused and is not");
            }
        }
    }
}
