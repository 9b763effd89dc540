package org.aurorawebhooks.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.http.EndpointTraffic;
import org.aurorawebhooks.internal.ReconcileRunsView;
import org.aurorawebhooks.store.EventLog;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.aurorawebhooks.store.LeadSyncTable;

/**
 * One reading of everything the console shows, taken at {@code at}: {@code _status} writes it as JSON and
 * {@code _dashboard} as HTML, so the two never disagree. Values read from the database are null (lists
 * empty) when it could not be read; {@code databaseError} then says why.
 *
 * @param firstMinute the first of the {@link StatusReader#MINUTES} minutes of {@code perMinute}, in minutes
 *     since the epoch
 * @param perMinute deliveries per event type, one count per minute from {@code firstMinute} on
 * @param reconcileRuns null when no reconciler module hands the console its runs
 */
record Snapshot(Instant at, boolean databaseReachable, String databaseVendor, String databaseError,
                Map<String, Long> lastHour, Map<String, Long> lastDay, long firstMinute, Map<String, long[]> perMinute,
                List<EventLog.RecordedEvent> latestDeliveries,
                Instant rejectionsSince, Map<String, Long> rejections, List<EndpointTraffic.RejectedRequest> latestRejections,
                LeadSyncTable.Counts leadSync, List<LeadSyncTable.Waiting> leadSyncFailing,
                List<HandlerDeliveries.HandlerCounts> handlerCounts, List<HandlerDeliveries.Retrying> retrying,
                List<HandlerDeliveries.DeadLetter> dead,
                List<ReconcileRunsView.Run> reconcileRuns) {

    static long total(Map<String, Long> counts) {
        return counts == null ? 0 : counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
