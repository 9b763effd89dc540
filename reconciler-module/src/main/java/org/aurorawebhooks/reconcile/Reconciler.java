package org.aurorawebhooks.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.api.AuroraApiException;
import org.aurorawebhooks.api.AuroraApiInterruptedException;
import org.aurorawebhooks.api.AuroraAuthenticationException;
import org.aurorawebhooks.api.AuroraUnknownTenantException;
import org.aurorawebhooks.api.AuroraUnreachableException;
import org.aurorawebhooks.internal.DaemonThreads;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventLog;
import org.aurorawebhooks.sync.LeadStore;
import org.aurorawebhooks.sync.LeadSyncQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile pass: finds what lost webhooks left stale in {@code aurora_leads}.
 *
 * <ol>
 *   <li>Re-fetches every lead touched (by a lead event or a sync) within the lookback window.</li>
 *   <li>Pages through List Leads; a lead the store has never seen is fetched (a lost {@code lead_created}),
 *       a lead whose listed {@code updated_at} differs from the stored one is fetched (a lost
 *       {@code lead_changed}); a lead the listing shows unchanged costs no call.</li>
 *   <li>When the listing was read to its end, stored leads it no longer shows are fetched once: a 404
 *       marks them gone.</li>
 * </ol>
 * Every pass is one row in {@code aurora_reconcile_runs}; a lease lock keeps two passes from overlapping,
 * and a pass killed at any moment leaves nothing half-done that the next one does not redo. A 404 on the
 * listing (an unknown tenant), and an API address where nothing answers, stop the pass before it changes anything. {@link #stop} interrupts the
 * passes in progress, which record themselves {@code interrupted} and release the lock.
 * Thread-safe: concurrent calls simply find the lock held.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    static final int PER_PAGE = 100;
    /** A killed pass blocks the next one at most this long; a live one renews it every {@link #RENEW_EVERY}. */
    private static final Duration LOCK_LEASE = Duration.ofMinutes(2);
    private static final Duration RENEW_EVERY = Duration.ofSeconds(30);
    private static final int MAX_REPORTED_FAILURES = 20;
    /** Fetched leads are stored this many to a transaction. */
    private static final int WRITE_BATCH = 50;

    private final Database database;
    private final AuroraApi api;
    private final LeadStore leads;
    private final LeadSyncQueue queue;
    private final ReconcileRuns runs;
    private final EventLog events;
    private final Clock clock;
    /** The threads running a pass now, so {@link #stop} can interrupt them; guarded by itself. */
    private final Set<Thread> passes = new HashSet<>();
    private volatile boolean stopping;

    public Reconciler(Database database, AuroraApi api, Clock clock) {
        this.database = database;
        this.api = api;
        this.leads = new LeadStore(database);
        this.queue = new LeadSyncQueue(database, clock);
        this.runs = new ReconcileRuns(database);
        this.events = new EventLog(database);
        this.clock = clock;
    }

    /**
     * Runs one pass now.
     *
     * @param trigger who asked
     * @param since how far back "recently touched" reaches
     * @param dryRun fetch and compare, but change nothing in the store
     * @throws ReconcileLockedException when another pass holds the lock
     * @throws AuroraAuthenticationException when Aurora refuses the token (the run is recorded as failed)
     * @throws AuroraUnknownTenantException when Aurora does not know the tenant (recorded as failed, nothing changed)
     * @throws AuroraUnreachableException when nothing answers at the API's address (recorded as failed, nothing changed)
     * @throws ReconcileInterruptedException when {@link #stop} stopped it (recorded as interrupted)
     */
    public RunReport run(RunTrigger trigger, Duration since, boolean dryRun, Progress.Listener progress) {
        return run(trigger, null, since, dryRun, progress);
    }

    /** As {@link #run(RunTrigger, Duration, boolean, Progress.Listener)}, for the schedule's fire time. */
    RunReport run(RunTrigger trigger, Instant scheduledFor, Duration since, boolean dryRun, Progress.Listener progress) {
        synchronized (passes) {
            if (stopping) {
                throw new ReconcileInterruptedException("the reconciler is stopping; no new pass starts", null);
            }
            passes.add(Thread.currentThread());
        }
        try {
            return locked(trigger, scheduledFor, since, dryRun, progress);
        } finally {
            synchronized (passes) {
                passes.remove(Thread.currentThread());
                passes.notifyAll();
            }
        }
    }

    private RunReport locked(RunTrigger trigger, Instant scheduledFor, Duration since, boolean dryRun,
                             Progress.Listener progress) {
        database.ensureMigrated();
        String holder = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
        LeaseLock lock = new LeaseLock(database, clock, "reconcile", holder, LOCK_LEASE);
        Optional<String> heldBy = lock.tryAcquire();
        if (heldBy.isPresent()) {
            throw new ReconcileLockedException(heldBy.get());
        }
        // Renewed by a heartbeat of its own, so a single slow API call (a long 429 storm) never lets the
        // lease run out under a pass that is still alive.
        AtomicBoolean lost = new AtomicBoolean();
        DaemonThreads heartbeatThread = DaemonThreads.named("reconcile-lock");
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(heartbeatThread);
        var unused = heartbeat.scheduleAtFixedRate(() -> {
            try {
                if (!lock.renew()) {
                    lost.set(true);
                }
            } catch (RuntimeException e) {
                log.warn("aurora-webhooks: could not renew the reconcile lock: {}", e.getMessage());
            }
        }, RENEW_EVERY.toMillis(), RENEW_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        boolean interrupted = false;
        try {
            return new Pass(trigger, scheduledFor, since, dryRun, progress, lost).execute();
        } finally {
            // Recording and releasing need the database: do it with the interrupt flag down (a pool
            // refuses an interrupted thread a connection), then raise it again for the caller.
            interrupted = Thread.interrupted();
            heartbeat.shutdownNow();
            try {
                heartbeat.awaitTermination(10, TimeUnit.SECONDS);
                heartbeatThread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                interrupted = true;
            }
            try {
                lock.release();
            } catch (RuntimeException e) {
                log.warn("aurora-webhooks: could not release the reconcile lock (its lease frees it within {}): {}",
                        LOCK_LEASE, e.getMessage());
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops the passes in progress: interrupts them and waits up to {@code wait} for each to record
     * itself {@code interrupted} and release the lock. No pass starts afterwards. Safe to call twice.
     *
     * @return true when no pass is running any more
     */
    public boolean stop(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (passes) {
            stopping = true;
            for (Thread t : passes) {
                t.interrupt();
            }
            try {
                long left;
                while (!passes.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                    passes.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!passes.isEmpty()) {
                log.warn("aurora-webhooks: a reconcile pass did not stop within {}; its lease frees the lock within {}",
                        wait, LOCK_LEASE);
            }
            return passes.isEmpty();
        }
    }

    /**
     * Records a pass that did not start because another held the lock, so that an operator (and the
     * cluster test) can see every fire time of the schedule and what became of it.
     */
    void recordSkipped(RunTrigger trigger, Instant scheduledFor, String reason) {
        runs.recordSkipped(trigger, clock.instant(), scheduledFor, reason);
    }

    /** The state of one pass. */
    private final class Pass {
        private final RunTrigger trigger;
        private final Instant scheduledFor;
        private final Duration since;
        private final boolean dryRun;
        private final Progress.Listener progress;
        private final AtomicBoolean lockLost;
        private final Instant started = clock.instant();
        private final long callsAtStart;
        private final long throttledAtStart;
        private final List<String> failures = new ArrayList<>();
        private final Set<String> handled = new HashSet<>();
        private final List<ObjectNode> toStore = new ArrayList<>();
        private long lastProgress;
        private long done;
        private long total;
        // Every checked lead lands in exactly one category: checked is their sum (see tally).
        private int checked;
        private int createdMissed;
        private int changedMissed;
        private int unchanged;
        private int gone;
        private int notFound;
        private int failed;

        Pass(RunTrigger trigger, Instant scheduledFor, Duration since, boolean dryRun, Progress.Listener progress,
             AtomicBoolean lockLost) {
            this.trigger = trigger;
            this.scheduledFor = scheduledFor;
            this.since = since;
            this.dryRun = dryRun;
            this.progress = progress;
            this.lockLost = lockLost;
            this.callsAtStart = api.stats().calls();
            this.throttledAtStart = api.stats().throttled();
        }

        RunReport execute() {
            runs.closeRunning(clock.instant()); // holding the lock proves a 'running' row's pass is dead
            long runId = runs.start(trigger, started, scheduledFor, since, dryRun);
            RunOutcome outcome = RunOutcome.FAILED;
            String error = null;
            try {
                Set<String> touched = touchedLeads(started.minus(since));
                long storedLeads = leads.count();
                total = touched.size() + (storedLeads / PER_PAGE) + 1;
                for (String leadId : touched) {
                    refetch(leadId);
                }
                flush();
                Set<String> listed = new HashSet<>();
                boolean complete = pageThroughListing(listed);
                flush();
                if (complete) {
                    for (String leadId : storedNotListed(listed)) {
                        refetch(leadId);
                    }
                }
                flush();
                outcome = failed == 0 ? RunOutcome.SUCCEEDED : RunOutcome.COMPLETED_WITH_FAILURES;
                return report(runId, outcome);
            } catch (RuntimeException e) { // a refused token, the database, a lost lock, a stop: recorded, then reported
                error = e.getMessage();
                if (stopping || e instanceof AuroraApiInterruptedException || Thread.currentThread().isInterrupted()) {
                    outcome = RunOutcome.INTERRUPTED;
                    error = "stopped before its end (the webapp or the schedule stopped); the next pass redoes it";
                    throw new ReconcileInterruptedException("reconcile run " + runId + " was interrupted: " + error, e);
                }
                throw e;
            } finally {
                boolean interrupted = Thread.interrupted(); // the database calls below must not see it
                if (!toStore.isEmpty()) {
                    try {
                        flush(); // keep what was fetched before the failure
                    } catch (RuntimeException e) {
                        log.warn("aurora-webhooks: could not store {} fetched leads: {}", toStore.size(), e.getMessage());
                    }
                }
                finishRun(runId, outcome, error);
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private RunReport report(long runId, RunOutcome outcome) {
            return new RunReport(runId, started, clock.instant(), trigger, outcome, dryRun, checked, createdMissed,
                    changedMissed, unchanged, gone, notFound, failed, api.stats().calls() - callsAtStart,
                    api.stats().throttled() - throttledAtStart, List.copyOf(failures));
        }

        /** Fetches one lead; what it fetched is stored in batches ({@link #flush}). */
        private void refetch(String leadId) {
            if (!handled.add(leadId)) {
                return;
            }
            try {
                Optional<ObjectNode> fetched = api.retrieveLead(leadId); // empty: gone, the tenant checked around it
                if (fetched.isEmpty()) {
                    LeadStore.Known known = leads.known(List.of(leadId)).get(leadId);
                    boolean live = known != null && !known.gone();
                    // The real run counts what markGone changed, the dry run what it would change: the same
                    // leads, since nothing else marks a lead gone between the read and the write.
                    tally(live && (dryRun || leads.markGone(leadId, clock.instant())) ? Category.GONE : Category.NOT_FOUND);
                    return;
                }
                if (dryRun) {
                    count(compare(fetched.get()), leadId);
                } else {
                    toStore.add(fetched.get());
                    if (toStore.size() >= WRITE_BATCH) {
                        flush();
                    }
                }
            } catch (AuroraAuthenticationException | AuroraUnknownTenantException | AuroraUnreachableException
                     | AuroraApiInterruptedException e) {
                throw e; // the whole pass is wrong or stopping, not this lead
            } catch (AuroraApiException | IllegalArgumentException e) {
                tally(Category.FAILED);
                if (failures.size() < MAX_REPORTED_FAILURES) {
                    failures.add("lead " + leadId + ": " + e.getMessage());
                }
                if (!dryRun) {
                    queue.markDue(leadId, "reconcile_retry");
                }
            } finally {
                step();
            }
        }

        /** Stores the fetched leads in one transaction: a kill before it only means the next pass fetches them again. */
        private void flush() {
            if (toStore.isEmpty()) {
                return;
            }
            List<LeadStore.Outcome> outcomes = leads.upsertAll(toStore, clock.instant());
            for (int i = 0; i < outcomes.size(); i++) {
                count(outcomes.get(i), toStore.get(i).path("id").asText());
            }
            toStore.clear();
        }

        private void count(LeadStore.Outcome outcome, String leadId) {
            switch (outcome) {
                case CREATED -> {
                    tally(Category.CREATED_MISSED);
                    log.info("aurora-webhooks: reconcile found lead {} whose lead_created never arrived", leadId);
                }
                case CHANGED -> tally(Category.CHANGED_MISSED);
                case UNCHANGED -> tally(Category.UNCHANGED);
            }
        }

        private void tally(Category category) {
            checked++;
            switch (category) {
                case CREATED_MISSED -> createdMissed++;
                case CHANGED_MISSED -> changedMissed++;
                case UNCHANGED -> unchanged++;
                case GONE -> gone++;
                case NOT_FOUND -> notFound++;
                case FAILED -> failed++;
            }
        }

        /** What {@link LeadStore#upsertAll} would answer for the lead, without writing. */
        private LeadStore.Outcome compare(ObjectNode lead) {
            String id = lead.path("id").asText();
            LeadStore.Known known = leads.known(List.of(id)).get(id);
            if (known == null) {
                return LeadStore.Outcome.CREATED;
            }
            return known.contentHash().equals(LeadStore.contentHash(lead)) && !known.gone()
                    ? LeadStore.Outcome.UNCHANGED : LeadStore.Outcome.CHANGED;
        }

        /**
         * @return true when the listing was read to its end
         * @throws AuroraUnknownTenantException on a 404: before anything changed if it is the first page
         */
        private boolean pageThroughListing(Set<String> listed) {
            for (int page = 1; ; page++) {
                List<ObjectNode> items = api.listLeads(page, PER_PAGE).leads();
                step();
                List<String> ids = new ArrayList<>(items.size());
                for (ObjectNode item : items) {
                    String id = item.path("id").asText("");
                    if (!id.isEmpty()) {
                        ids.add(id);
                    }
                }
                listed.addAll(ids);
                Map<String, LeadStore.Known> known = leads.known(ids);
                for (ObjectNode item : items) {
                    String id = item.path("id").asText("");
                    if (id.isEmpty() || handled.contains(id)) {
                        continue;
                    }
                    LeadStore.Known k = known.get(id);
                    if (k == null || k.gone() || !sameVersion(item, k)) {
                        total++;
                        refetch(id);
                    } else {
                        handled.add(id);
                        tally(Category.UNCHANGED);
                    }
                }
                if (items.size() < PER_PAGE) {
                    return true;
                }
                total = Math.max(total, done + 1); // at least one more page
            }
        }

        /** The listing shows the same version as the store: same updated_at, or the same content. */
        private boolean sameVersion(ObjectNode item, LeadStore.Known known) {
            JsonNode updated = item.get("updated_at");
            if (updated != null && updated.isTextual() && known.updatedAt() != null) {
                try {
                    return Instant.parse(updated.asText()).equals(known.updatedAt());
                } catch (java.time.format.DateTimeParseException e) {
                    return false;
                }
            }
            return LeadStore.contentHash(item).equals(known.contentHash());
        }

        private void step() {
            done++;
            long now = clock.millis();
            if (lockLost.get()) {
                throw new IllegalStateException("lost the reconcile lock (its lease ran out); stopping this pass");
            }
            if (stopping || Thread.currentThread().isInterrupted()) {
                throw new ReconcileInterruptedException("stopping", null);
            }
            if (now - lastProgress >= 200) {
                lastProgress = now;
                long remaining = Math.max(0, total - done);
                double perSecond = api.requestsPerMinute() / 60.0;
                progress.update(new Progress(done, Math.max(total, done), api.stats().calls() - callsAtStart,
                        Duration.ofSeconds((long) Math.ceil(remaining / perSecond))));
            }
        }

        private Set<String> touchedLeads(Instant from) {
            Set<String> out = new LinkedHashSet<>(events.leadsNamedSince(from));
            out.addAll(leads.liveFetchedSince(from));
            return out;
        }

        private List<String> storedNotListed(Set<String> listed) {
            List<String> out = new ArrayList<>();
            leads.forEachLive(id -> {
                if (!listed.contains(id) && !handled.contains(id)) {
                    out.add(id);
                }
            });
            total += out.size();
            return out;
        }

        private void finishRun(long runId, RunOutcome outcome, String error) {
            try {
                runs.finish(report(runId, outcome), error);
            } catch (RuntimeException e) {
                log.warn("aurora-webhooks: could not record the end of reconcile run {}: {}", runId, e.getMessage());
            }
        }
    }

    /** The one category each checked lead is counted in. */
    private enum Category { CREATED_MISSED, CHANGED_MISSED, UNCHANGED, GONE, NOT_FOUND, FAILED }
}
