package org.aurorawebhooks.background;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.internal.FilterExtension;
import org.aurorawebhooks.internal.ReconcileRunsView;
import org.aurorawebhooks.reconcile.ReconcileRuns;
import org.aurorawebhooks.reconcile.ReconcileSchedule;
import org.aurorawebhooks.reconcile.Reconciler;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.sync.LeadSyncWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the lead sync worker and the reconcile schedule inside the webapp, next to the filter, when
 * an Aurora API token and tenant are configured. Without them deliveries are still recorded and
 * leads marked due; nothing is fetched until a token is set. Found by {@link java.util.ServiceLoader}.
 * It also hands the operator console its view of {@code aurora_reconcile_runs} (whose owner,
 * {@link ReconcileRuns}, lives in this module), with or without a token.
 */
public final class LeadSyncExtension implements FilterExtension {
    private static final Logger log = LoggerFactory.getLogger(LeadSyncExtension.class);

    private volatile ReconcileRunsView runs;
    private LeadSyncWorker worker;
    private ReconcileSchedule schedule;
    /** The extension's API clients: each owns HTTP client threads that stop() must end. */
    private final List<AuroraApi> clients = new ArrayList<>();

    /** A bad {@code aurora.reconciler.cron} stops start-up even without an API token: it is a typo either way. */
    @Override
    public void validate(Settings settings) {
        ReconcileSchedule.requireValidCron(settings);
    }

    @Override
    public void start(Settings settings, Database database) {
        // Runs may have been recorded by the CLI even where this webapp fetches nothing: the console shows them.
        runs = runsView(new ReconcileRuns(database));
        if (!settings.apiConfigured()) {
            log.info("aurora-webhooks: {} and {} are not set: lead events mark leads due in aurora_lead_sync, "
                    + "but nothing is fetched from Aurora", Key.API_TENANT_ID.key(), Key.API_TOKEN.key());
            return;
        }
        try {
            // Two clients, one shared rate budget: each keeps its own call counts for its reports.
            if (settings.reconcilerCron().isPresent()) {
                Reconciler reconciler = new Reconciler(database, client(settings), Clock.systemUTC());
                schedule = ReconcileSchedule.start(database, reconciler, settings.reconcilerCron().get(), settings.lookback());
            }
            worker = LeadSyncWorker.start(database, client(settings), Clock.systemUTC(), settings.syncWorkers());
        } catch (RuntimeException e) {
            stop(); // whatever started must not outlive a failed start
            throw e;
        }
        log.info("aurora-webhooks: lead sync started with {} worker thread(s) against {}", settings.syncWorkers(),
                settings.apiBaseUrl());
    }

    @Override
    public Optional<ReconcileRunsView> reconcileRuns() {
        return Optional.ofNullable(runs);
    }

    private static ReconcileRunsView runsView(ReconcileRuns table) {
        return new ReconcileRunsView() {
            @Override
            public List<Run> recent(int limit) {
                return table.recent(limit).stream().map(r -> new Run(r.id(), r.startedAt(), r.endedAt(), r.trigger(),
                        r.outcome(), r.dryRun(), r.checked(), r.createdMissed(), r.changedMissed(), r.unchanged(), r.gone(),
                        r.notFound(), r.failed(), r.apiCalls(), r.throttled(), r.error())).toList();
            }

            @Override
            public Totals totals() {
                return table.totals();
            }
        };
    }

    private AuroraApi client(Settings settings) {
        AuroraApi api = AuroraApi.create(settings);
        clients.add(api);
        return api;
    }

    /**
     * Stops everything this extension started and waits for its threads: the sync workers (a fetch in
     * flight gives its lead back), the schedule (a pass in progress is recorded {@code interrupted} and
     * releases the lock; Quartz's threads end), then the API clients' HTTP threads.
     */
    @Override
    public void stop() {
        runs = null;
        if (worker != null) {
            worker.close();
            worker = null;
        }
        if (schedule != null) {
            schedule.close();
            schedule = null;
        }
        for (AuroraApi api : clients) {
            api.close();
        }
        clients.clear();
    }
}
