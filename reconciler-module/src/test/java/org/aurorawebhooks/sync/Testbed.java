package org.aurorawebhooks.sync;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.api.RateBudget;
import org.aurorawebhooks.api.Subscription;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.simulator.TestSimulator;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;
import org.jdbi.v3.core.Jdbi;

/**
 * The whole flow on loopback: a simulated Aurora, and a host webapp (real Jetty) with the filter, the
 * lead sync worker and a real database, subscribed to the simulator's lead webhooks.
 */
public final class Testbed implements AutoCloseable {
    public static final String TOKEN_HEADER = "X-Aurora-Token";
    public static final String TOKEN = TestSecrets.fresh("webhook-token");

    public final SimulatedAurora aurora;
    public final FilterHarness app;
    public final Map<String, String> config;

    private Testbed(SimulatedAurora aurora, FilterHarness app, Map<String, String> config) {
        this.aurora = aurora;
        this.app = app;
        this.config = config;
    }

    /** Simulator limit 6000/min and the same budget: fast, and never throttled unless a test asks. */
    public static Testbed start(TestDatabases.Kind kind) throws Exception {
        SimulatedAurora aurora = SimulatedAurora.start(TestSimulator.options().withRequestsPerMinute(6000));
        Map<String, String> config = new HashMap<>(TestDatabases.fresh(kind));
        config.put("aurora.webhooks.auth.header-name", TOKEN_HEADER);
        config.put("aurora.webhooks.auth.header-value", TOKEN);
        config.put("aurora.api.base-url", aurora.baseUrl());
        config.put("aurora.api.tenant-id", aurora.tenantId());
        config.put("aurora.api.token", aurora.token());
        config.put("aurora.api.requests-per-minute", "6000");
        config.put("aurora.reconciler.cron", "off");
        FilterHarness app = FilterHarness.start(config);
        Testbed bed = new Testbed(aurora, app, config);
        bed.subscribe("lead_created", "lead_id=<LEAD_ID>&source=<SOURCE>");
        bed.subscribe("lead_changed", "lead_id=<LEAD_ID>");
        return bed;
    }

    public void subscribe(String event, String query) {
        api().createWebhook(new Subscription(null, event, app.baseUrl() + "/aurora/webhooks/" + event + "?" + query,
                "test", true, TOKEN_HEADER, TOKEN));
    }

    /** A client of the simulator with its own budget. */
    public AuroraApi api() {
        return AuroraApi.create(URI.create(aurora.baseUrl()), aurora.tenantId(), aurora.token(), new RateBudget(6000),
                Duration.ofSeconds(10));
    }

    public Jdbi jdbi() {
        return app.jdbi();
    }

    public Optional<Map<String, Object>> leadRow(String leadId) {
        return jdbi().withHandle(h -> h.createQuery("SELECT * FROM aurora_leads WHERE lead_id = :id")
                .bind("id", leadId).mapToMap().findOne());
    }

    /** Waits (up to 20 s, polling) for a condition the asynchronous sync makes true. */
    public static <T> T await(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(50);
        }
        fail("timed out waiting for " + what);
        return null;
    }

    @Override
    public void close() {
        app.close();
        aurora.close();
    }
}
