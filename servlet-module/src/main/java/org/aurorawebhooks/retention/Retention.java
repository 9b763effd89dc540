package org.aurorawebhooks.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.aurorawebhooks.internal.DaemonThreads;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventLog;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prunes recorded events received, and done handler deliveries finished, more than {@code keep} ago
 * ({@code aurora.retention.events}).
 *
 * <p>What stays: an event that has a delivery not done (pending, retrying or dead) is kept whatever its
 * age, with all its deliveries, so a handler never loses the event it still has to handle and a dead
 * letter can still be retried; once those deliveries are done it goes at the next run. An event that goes
 * takes its done deliveries with it (a replay may have finished one recently).
 *
 * <p>How: in batches of at most {@code batchSize} events (then of done deliveries), each in its own short
 * transaction, so ingest (which writes the same tables) waits at most for one batch. Candidates are paged
 * by id, and every delete is by id, so several nodes pruning at once only find rows already gone. A
 * {@code replay} that adds a delivery to an event in the very batch being deleted leaves a delivery
 * without its event; the dispatcher buries it as dead, naming retention.
 *
 * <p>{@link #start()} runs it on a daemon thread, first {@link #FIRST_RUN} after start, then every
 * {@link #EVERY}; {@link #close()} stops it between batches and joins the thread. Thread-safe.
 */
public final class Retention implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    /** Rows a batch deletes at most: a few milliseconds of locks on any of the databases. */
    public static final int BATCH = 500;
    /** After start: not in the middle of a host app's own start-up, but soon enough to be seen working. */
    public static final Duration FIRST_RUN = Duration.ofMinutes(5);
    public static final Duration EVERY = Duration.ofHours(1);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    /**
     * What one run did.
     *
     * @param cutoff what was received (events) or finished (deliveries) before this instant was pruned
     * @param events events deleted
     * @param deliveries done deliveries deleted (with their events, or on their own)
     * @param kept events older than the cutoff kept because a delivery of theirs is not done
     * @param batches transactions that examined or deleted rows
     */
    public record Result(Instant cutoff, long events, long deliveries, long kept, int batches) {
    }

    private final Database database;
    private final Duration keep;
    private final Clock clock;
    private final int batchSize;
    private final EventLog events;
    private final HandlerDeliveries deliveries;
    private final DaemonThreads threads = DaemonThreads.named("retention");
    private ScheduledExecutorService scheduler;
    private volatile boolean stopping;

    /** @param keep how long events and done deliveries are kept ({@code aurora.retention.events}) */
    public Retention(Database database, Duration keep, Clock clock) {
        this(database, keep, clock, BATCH);
    }

    Retention(Database database, Duration keep, Clock clock, int batchSize) {
        this.database = Objects.requireNonNull(database, "database == null");
        this.keep = Objects.requireNonNull(keep, "keep == null");
        this.clock = Objects.requireNonNull(clock, "clock == null");
        if (keep.isNegative() || keep.isZero()) {
            throw new IllegalArgumentException("keep " + keep + " is not positive");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize " + batchSize + " is not positive");
        }
        this.batchSize = batchSize;
        this.events = new EventLog(database);
        this.deliveries = new HandlerDeliveries(database.dialect());
    }

    /**
     * Prunes now, on the calling thread, until nothing older than the cutoff is left to delete (or
     * {@link #close()} is called: it stops between batches). Does not migrate the schema: the CLI prunes a
     * database as it finds it.
     *
     * @throws org.aurorawebhooks.store.DatabaseUnavailableException when the database cannot be reached;
     *     the batches committed before stay committed
     */
    public Result pruneNow() {
        // Milliseconds: what every stored time has, so the cut-off reads the same in each.
        Instant cutoff = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).minus(keep);
        long deletedEvents = 0;
        long deletedDeliveries = 0;
        Set<Long> kept = new HashSet<>();
        int batches = 0;
        long after = 0;
        try {
            while (!stopping) {
                long from = after;
                Batch b = database.jdbi().inTransaction(h -> {
                    List<Long> old = events.idsReceivedBefore(h, cutoff, from, batchSize);
                    if (old.isEmpty()) {
                        return null;
                    }
                    List<Long> unfinished = deliveries.withUnfinished(h, old);
                    List<Long> gone = new ArrayList<>(old);
                    gone.removeAll(new HashSet<>(unfinished));
                    int d = deliveries.deleteDoneOf(h, gone);
                    int e = events.delete(h, gone);
                    return new Batch(old.size(), old.get(old.size() - 1), e, d, unfinished);
                });
                if (b == null) {
                    break;
                }
                batches++;
                deletedEvents += b.events();
                deletedDeliveries += b.deliveries();
                kept.addAll(b.kept());
                after = b.last();
                if (b.examined() < batchSize) {
                    break;
                }
            }
            // Done deliveries of events that stay (another handler's delivery of theirs is dead, say).
            long before = cutoff.toEpochMilli();
            while (!stopping) {
                int n = database.jdbi().inTransaction(h -> deliveries.pruneDone(h, before, batchSize));
                if (n == 0) {
                    break;
                }
                batches++;
                deletedDeliveries += n;
                if (n < batchSize) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            throw database.unavailable("prune", e);
        }
        return new Result(cutoff, deletedEvents, deletedDeliveries, kept.size(), batches);
    }

    private record Batch(int examined, long last, int events, int deliveries, List<Long> kept) {
    }

    /** Runs {@link #pruneNow()} on a daemon thread, {@link #FIRST_RUN} from now, then every {@link #EVERY}. */
    public synchronized void start() {
        start(FIRST_RUN, EVERY);
    }

    synchronized void start(Duration first, Duration every) {
        if (scheduler != null) {
            throw new IllegalStateException("already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(threads);
        // scheduledRun catches what it can: the future would only carry an Error, which the thread reports itself.
        var unused = scheduler.scheduleWithFixedDelay(this::scheduledRun, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        log.info("aurora-webhooks: events and done handler deliveries older than {} (aurora.retention.events) are "
                + "pruned every {}, first in {}", keep, every, first);
    }

    private void scheduledRun() {
        try {
            database.ensureMigrated(); // the database may have been down when the webapp started
            Result r = pruneNow();
            if (r.events() > 0 || r.deliveries() > 0 || r.kept() > 0) {
                log.info("aurora-webhooks: retention pruned {} event(s) and {} done handler deliveries older than {} "
                        + "in {} batch(es); kept {} older event(s) with deliveries not done", r.events(), r.deliveries(),
                        r.cutoff(), r.batches(), r.kept());
            }
        } catch (RuntimeException e) {
            // The next run tries again; a scheduled task that throws would never run again.
            log.warn("aurora-webhooks: retention could not prune ({}); trying again in {}", e.getMessage(), EVERY);
        }
    }

    /** Stops the schedule: a run in progress ends after its current batch; waits for the thread to end. */
    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (this) {
            s = scheduler;
            scheduler = null;
        }
        stopping = true;
        if (s == null) {
            return;
        }
        // No interrupt: a run in progress sees the flag after its current batch, whose transaction ends normally.
        s.shutdown();
        try {
            if (!s.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("aurora-webhooks: retention still running after {} s", STOP_WAIT.toSeconds());
            }
            threads.join(STOP_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
