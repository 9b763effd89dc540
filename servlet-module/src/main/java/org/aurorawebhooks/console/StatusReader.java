package org.aurorawebhooks.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.aurorawebhooks.http.EndpointTraffic;
import org.aurorawebhooks.internal.ReconcileRunsView;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventLog;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.aurorawebhooks.store.LeadSyncTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a {@link Snapshot}: a handful of reads through the table owners, each bounded by an index
 * (deliveries by {@code (event_type, received_at)}, handler rows by {@code (status, due_at)}, the small
 * lead sync queue) or a {@code LIMIT}, so that polling it every few seconds stays cheap on a table of
 * millions of events (README, "Benchmarks"). Thread-safe.
 */
final class StatusReader {
    private static final Logger log = LoggerFactory.getLogger(StatusReader.class);
    /** Minutes of the deliveries chart. */
    static final int MINUTES = 60;
    static final int LATEST_DELIVERIES = 25;
    static final int LIST_LIMIT = 25;
    static final int RECONCILE_RUNS = 10;

    private final Database database;
    private final EventLog events;
    private final LeadSyncTable leadSync;
    private final HandlerDeliveries handlers;
    private final EndpointTraffic traffic;
    private final Supplier<Optional<ReconcileRunsView>> runs;
    private final Clock clock;

    StatusReader(Database database, EndpointTraffic traffic, Supplier<Optional<ReconcileRunsView>> runs, Clock clock) {
        this.database = database;
        this.events = new EventLog(database);
        this.leadSync = new LeadSyncTable(database.dialect());
        this.handlers = new HandlerDeliveries(database.dialect());
        this.traffic = traffic;
        this.runs = runs;
        this.clock = clock;
    }

    Snapshot read() {
        Instant now = clock.instant();
        long nowMinute = Math.floorDiv(now.toEpochMilli(), 60_000L);
        long firstMinute = nowMinute - MINUTES + 1;
        String vendor = database.dialect().name().toLowerCase(java.util.Locale.ROOT);
        Map<String, Long> hour = null;
        Map<String, Long> day = null;
        Map<String, long[]> perMinute = Map.of();
        List<EventLog.RecordedEvent> latest = List.of();
        LeadSyncTable.Counts sync = null;
        List<LeadSyncTable.Waiting> syncFailing = List.of();
        List<HandlerDeliveries.HandlerCounts> handlerCounts = List.of();
        List<HandlerDeliveries.Retrying> retrying = List.of();
        List<HandlerDeliveries.DeadLetter> dead = List.of();
        List<ReconcileRunsView.Run> reconcile = null;
        String error = null;
        try {
            database.ensureMigrated();
            hour = events.countsByTypeSince(now.minus(Duration.ofHours(1)));
            day = events.countsByTypeSince(now.minus(Duration.ofDays(1)));
            perMinute = perMinute(events.countsByTypeAndMinuteSince(Instant.ofEpochMilli(firstMinute * 60_000L)), firstMinute);
            latest = events.latest(LATEST_DELIVERIES);
            Queues queues = database.jdbi().withHandle(h -> new Queues(leadSync.counts(h, now.toEpochMilli()),
                    leadSync.failing(h, LIST_LIMIT), handlers.unfinishedCounts(h), handlers.retrying(h, LIST_LIMIT),
                    handlers.deadLetters(h, LIST_LIMIT)));
            sync = queues.sync();
            syncFailing = queues.syncFailing();
            handlerCounts = queues.handlerCounts();
            retrying = queues.retrying();
            dead = queues.dead();
            Optional<ReconcileRunsView> view = runs.get();
            reconcile = view.isPresent() ? view.get().recent(RECONCILE_RUNS) : null;
        } catch (RuntimeException e) {
            error = database.unavailable("read", e).getMessage();
            log.debug("aurora-webhooks: the console could not read the database", e);
        }
        return new Snapshot(now, error == null, vendor, error, hour, day, firstMinute, perMinute, latest,
                traffic.since(), traffic.rejectedCounts(), traffic.latestRejections(), sync, syncFailing,
                handlerCounts, retrying, dead, reconcile);
    }

    /** What one connection reads of the two queues. */
    private record Queues(LeadSyncTable.Counts sync, List<LeadSyncTable.Waiting> syncFailing,
                          List<HandlerDeliveries.HandlerCounts> handlerCounts, List<HandlerDeliveries.Retrying> retrying,
                          List<HandlerDeliveries.DeadLetter> dead) {
    }

    private static Map<String, long[]> perMinute(Map<String, Map<Long, Long>> counts, long firstMinute) {
        Map<String, long[]> out = new TreeMap<>();
        counts.forEach((type, byMinute) -> {
            long[] series = new long[MINUTES];
            byMinute.forEach((minute, n) -> {
                long i = minute - firstMinute;
                if (i >= 0 && i < MINUTES) {
                    series[(int) i] += n;
                }
            });
            out.put(type, series);
        });
        return out;
    }
}
