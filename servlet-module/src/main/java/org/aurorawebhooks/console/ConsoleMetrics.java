package org.aurorawebhooks.console;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.aurorawebhooks.http.EndpointTraffic;
import org.aurorawebhooks.internal.ReconcileRunsView;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.aurorawebhooks.store.LeadSyncTable;

/**
 * {@code _metrics}: Prometheus text written by Micrometer's Prometheus registry (a private one: the
 * host's own registry, if it has one, is not touched).
 *
 * <ul>
 *   <li>{@code aurora_webhooks_deliveries_total{event}} and {@code aurora_webhooks_rejections_total{reason}}:
 *       this node's endpoint since it started, every event and reason present from zero; sum them over
 *       nodes.</li>
 *   <li>{@code aurora_webhooks_handler_deliveries{handler,state}} (state pending, retrying, dead),
 *       {@code aurora_webhooks_lead_sync_pending}, {@code aurora_webhooks_lead_sync_failing},
 *       {@code aurora_webhooks_reconcile_runs_total{outcome}},
 *       {@code aurora_webhooks_reconcile_repaired_total{kind}} (created_missed, changed_missed, gone) and
 *       {@code aurora_webhooks_database_up}: read from the shared database at each scrape, so every node
 *       reports the same values; take one node's (or {@code max}), not the sum.</li>
 * </ul>
 *
 * Thread-safe: a scrape refreshes the database values and writes the text under one lock.
 */
final class ConsoleMetrics implements AutoCloseable {
    private static final String[] REPAIRED = {"created_missed", "changed_missed", "gone"};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Database database;
    private final LeadSyncTable leadSync;
    private final HandlerDeliveries handlers;
    private final Supplier<Optional<ReconcileRunsView>> runs;
    private final AtomicLong syncPending = new AtomicLong();
    private final AtomicLong syncFailing = new AtomicLong();
    private final AtomicLong databaseUp = new AtomicLong();
    private final MultiGauge handlerGauge;
    private final Map<String, AtomicLong> runsByOutcome = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> repaired = new ConcurrentHashMap<>();

    ConsoleMetrics(Database database, EndpointTraffic traffic, List<String> events,
                   Supplier<Optional<ReconcileRunsView>> runs) {
        this.database = database;
        this.leadSync = new LeadSyncTable(database.dialect());
        this.handlers = new HandlerDeliveries(database.dialect());
        this.runs = runs;
        for (String event : events) {
            FunctionCounter.builder("aurora.webhooks.deliveries", traffic, t -> t.acceptedCount(event))
                    .description("Deliveries this node accepted (committed, answered 200), by event")
                    .tag("event", event).register(registry);
        }
        for (String reason : EndpointTraffic.knownReasons()) {
            FunctionCounter.builder("aurora.webhooks.rejections", traffic, t -> t.rejectedCount(reason))
                    .description("Requests on the webhook paths this node rejected, by reason (the error code)")
                    .tag("reason", reason).register(registry);
        }
        Gauge.builder("aurora.webhooks.lead_sync.pending", syncPending, AtomicLong::get)
                .description("Leads waiting for a fetch from Aurora").register(registry);
        Gauge.builder("aurora.webhooks.lead_sync.failing", syncFailing, AtomicLong::get)
                .description("Leads whose last fetch failed and that wait for a retry").register(registry);
        Gauge.builder("aurora.webhooks.database.up", databaseUp, AtomicLong::get)
                .description("1 when the database answered the last scrape, else 0").register(registry);
        handlerGauge = MultiGauge.builder("aurora.webhooks.handler.deliveries")
                .description("Handler deliveries not done, by handler and state (pending, retrying, dead)")
                .register(registry);
        for (String kind : REPAIRED) {
            AtomicLong holder = new AtomicLong();
            repaired.put(kind, holder);
            FunctionCounter.builder("aurora.webhooks.reconcile.repaired", holder, AtomicLong::get)
                    .description("Leads reconcile passes (not dry runs) repaired, by kind").tag("kind", kind)
                    .register(registry);
        }
    }

    /** The Prometheus text, after reading the database values once. */
    synchronized String scrape() {
        refresh();
        return registry.scrape();
    }

    /** The content type of {@link #scrape()}. */
    static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    private void refresh() {
        try {
            database.ensureMigrated();
            List<HandlerDeliveries.HandlerCounts> counts = database.jdbi().withHandle(h -> {
                LeadSyncTable.Counts c = leadSync.counts(h, System.currentTimeMillis());
                syncPending.set(c.pending());
                syncFailing.set(c.failing());
                return handlers.unfinishedCounts(h);
            });
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (HandlerDeliveries.HandlerCounts c : counts) {
                rows.add(MultiGauge.Row.of(Tags.of("handler", c.handler(), "state", "pending"), c.pending()));
                rows.add(MultiGauge.Row.of(Tags.of("handler", c.handler(), "state", "retrying"), c.retrying()));
                rows.add(MultiGauge.Row.of(Tags.of("handler", c.handler(), "state", "dead"), c.dead()));
            }
            handlerGauge.register(rows, true);
            Optional<ReconcileRunsView> view = runs.get();
            if (view.isPresent()) {
                ReconcileRunsView.Totals totals = view.get().totals();
                totals.runsByOutcome().forEach((outcome, n) -> runsByOutcome.computeIfAbsent(outcome, this::runCounter).set(n));
                repaired.get("created_missed").set(totals.createdMissed());
                repaired.get("changed_missed").set(totals.changedMissed());
                repaired.get("gone").set(totals.gone());
            }
            databaseUp.set(1);
        } catch (RuntimeException e) {
            // The database values keep their last reading; the gauge says they are stale.
            databaseUp.set(0);
        }
    }

    private AtomicLong runCounter(String outcome) {
        AtomicLong holder = new AtomicLong();
        FunctionCounter.builder("aurora.webhooks.reconcile.runs", holder, AtomicLong::get)
                .description("Reconcile passes recorded, by outcome").tag("outcome", outcome).register(registry);
        return holder;
    }

    @Override
    public void close() {
        registry.close();
    }
}
