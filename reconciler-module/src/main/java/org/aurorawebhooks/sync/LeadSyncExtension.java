package org.aurorawebhooks.sync;

import java.time.Clock;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.internal.FilterExtension;
import org.aurorawebhooks.reconcile.ReconcileSchedule;
import org.aurorawebhooks.reconcile.Reconciler;
import org.aurorawebhooks.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the lead sync worker and the reconcile schedule inside the webapp, next to the filter, when
 * an Aurora API token and tenant are configured. Without them deliveries are still recorded and
 * leads marked due; nothing is fetched until a token is set. Found by {@link java.util.ServiceLoader}.
 */
public final class LeadSyncExtension implements FilterExtension {
    private static final Logger log = LoggerFactory.getLogger(LeadSyncExtension.class);

    private LeadSyncWorker worker;
    private ReconcileSchedule schedule;

    @Override
    public void start(Settings settings, Database database) {
        if (!settings.apiConfigured()) {
            log.info("aurora-webhooks: {} and {} are not set: lead events mark leads due in aurora_lead_sync, "
                    + "but nothing is fetched from Aurora", Key.API_TENANT_ID.key(), Key.API_TOKEN.key());
            return;
        }
        // Two clients, one shared rate budget: each keeps its own call counts for its reports.
        Reconciler reconciler = new Reconciler(database, AuroraApi.create(settings), Clock.systemUTC());
        if (settings.reconcilerCron().isPresent()) {
            schedule = ReconcileSchedule.start(database, reconciler, settings.reconcilerCron().get(), settings.lookback());
        }
        worker = LeadSyncWorker.start(database, AuroraApi.create(settings), Clock.systemUTC(), settings.syncWorkers());
        log.info("aurora-webhooks: lead sync started with {} worker thread(s) against {}", settings.syncWorkers(),
                settings.apiBaseUrl());
    }

    @Override
    public void stop() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
        if (schedule != null) {
            schedule.close();
            schedule = null;
        }
    }
}
