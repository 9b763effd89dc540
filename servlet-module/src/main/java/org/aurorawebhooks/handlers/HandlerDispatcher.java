package org.aurorawebhooks.handlers;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.AuroraTransactionalHandler;
import org.aurorawebhooks.internal.DaemonThreads;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventLog;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.aurorawebhooks.store.HandlerDeliveries.Claimed;
import org.jdbi.v3.core.HandleCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the host app's handlers for the deliveries queued in {@code aurora_handler_deliveries}: a poller
 * thread claims due deliveries (only the head of each handler's subject, so order holds across nodes) into a
 * local queue of up to {@value #QUEUE_PER_WORKER} per worker, the workers call the handlers, and the next
 * claim's transaction writes the "done" marks of the calls that finished (a completer thread writes those no
 * claim took along).
 *
 * <p>Batching, for throughput: while there is a backlog, one claim takes as many heads as the local queue has
 * room for (not only as many as workers are free; see {@link #claimLimit}), counting the room that the marks
 * written in the same cycle free, and a cycle that would claim less than half of that waits for calls to end
 * instead; every call that finished meanwhile is marked done in that same transaction
 * ({@code UPDATE ... WHERE id IN (...) AND claimed_by = token}): one commit per cycle, and on SQLite one writer
 * fewer contending with the event writer for its lock.
 * Without it, each delivery cost a claim transaction and a "done" transaction of its own, and a no-op handler
 * kept up with a few hundred deliveries a second (see the README's benchmarks). Order and exclusivity do not depend on it: a
 * subject's next delivery becomes a head only once its predecessor's mark is committed, so it is never
 * claimed, let alone called, before. A slot of the local queue is freed only when its outcome is written, so
 * calls that finished but are not yet marked count against the queue too. A transactional handler's call
 * keeps its own transaction with its own mark (that is its point); failures are written one by one.
 *
 * <p>A claimed delivery waits in the local queue at most half the claim grace; one that waited longer (slow
 * handlers ahead of it) is given back unattempted instead of called, so that every call starts with at least
 * its timeout plus half the grace left on its claim and no other node can take it over while it runs.
 *
 * <p>Waking: the event writer wakes the poller right after a commit that queued deliveries, and every
 * finished call wakes it (the next event of that subject may now be due); otherwise it polls every
 * {@link #POLL}, which is how deliveries queued by another node, retries coming due and claims left by a
 * crashed node are found. A one-second poll on an indexed query was chosen over PostgreSQL's
 * {@code LISTEN/NOTIFY}: the same code on every database, no connection held open per node, and work from
 * another node waits at most a second.
 *
 * <p>A claim lasts the call's timeout plus a {@linkplain #claimGrace grace}; a node that dies mid-call leaves a claim
 * that another node takes over once it expires. A call longer than {@code aurora.handlers.timeout} is
 * interrupted (and a transactional handler's connection aborted) and counts as a failed attempt. A claim
 * that expired without an outcome (the node died, the database was gone when the outcome was written, or the
 * handler ignored the interrupt) counts as a failed attempt too, so a call that hangs every time ends dead
 * rather than being tried forever; the late outcome of such a call is not recorded (its claim token no longer
 * matches). Thread-safe.
 */
public final class HandlerDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HandlerDispatcher.class);
    /** The longest a delivery queued by another node (or a retry coming due) waits to be noticed. */
    static final Duration POLL = Duration.ofSeconds(1);
    /**
     * How long a claim outlives the call's timeout, at most: time to record the outcome (retried through a short
     * database outage). With a short timeout the grace is as long as the timeout, but never under
     * {@link #MIN_CLAIM_GRACE}, so that a node killed mid-call does not hold a quick handler's subject for 30 s.
     */
    static final Duration CLAIM_GRACE = Duration.ofSeconds(30);
    static final Duration MIN_CLAIM_GRACE = Duration.ofSeconds(5);
    /** While an outcome cannot be written, it is tried again this often (until the claim expires). */
    private static final Duration OUTCOME_RETRY = Duration.ofMillis(500);
    /** How often the poller checks that the queue's planner statistics are current (PostgreSQL). */
    private static final Duration STATISTICS_CHECK = Duration.ofSeconds(30);
    /** After a database error, the poller waits this long before claiming again. */
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(5);
    /**
     * Claimed deliveries held per worker (waiting, running, or finished and not yet marked done): with a backlog,
     * about the size of a cycle. 32 against 16 (A/B on one machine, a no-op handler under full load, two runs
     * each): backlog after 30 s on MariaDB 7,500-8,300 rows against 42,000-58,000, on PostgreSQL 89,000-98,000
     * against 110,000-116,000, ingest unchanged. A slow handler's deliveries that would wait longer than half
     * the claim grace are given back unattempted (see {@link #call}), so a larger queue never lets a claim expire.
     */
    static final int QUEUE_PER_WORKER = 32;
    /**
     * How often the completer writes the "done" marks that no claim took along (the poller busy, stopped, or
     * its transaction failed); normally the next claim, woken by the finished call, writes them first.
     */
    private static final Duration FLUSH = Duration.ofMillis(50);
    /** The most "done" marks written in one transaction. */
    private static final int DONE_BATCH = 1_000;
    /** How long close() waits for calls in progress before interrupting them. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final Database database;
    private final HandlerRegistry registry;
    private final HandlerDeliveries deliveries;
    private final RetrySchedule schedule;
    private final Duration timeout;
    private final Duration claimGrace;
    /** The error of an attempt whose claim expired before it reported back. */
    private final String expiredError;
    private final Clock clock;
    private final int workers;
    private final String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong claims = new AtomicLong();
    private final Semaphore wakeUp = new Semaphore(0);
    /** Free places in the local queue: taken by a claim, given back once the outcome is written. */
    private final Semaphore slots;
    private final BlockingQueue<Done> toMark = new LinkedBlockingQueue<>();
    private final DaemonThreads poolThreads = DaemonThreads.named("handler");
    private final DaemonThreads watchdogThreads = DaemonThreads.named("handler-timeout");
    private final DaemonThreads pollerThreads = DaemonThreads.named("handler-poller");
    private final DaemonThreads completerThreads = DaemonThreads.named("handler-done");
    private final ExecutorService pool;
    private final ScheduledExecutorService watchdog;
    private final Thread poller;
    private final Thread completer;
    /** Set by close() once no call can finish any more: the completer writes what is left and stops. */
    private volatile boolean callsOver;
    private final Runnable waker = this::wake;
    /**
     * The most the next claim takes (owned by the poller thread): as many as there are workers after an idle
     * spell, doubling while claims come back full, up to the local queue. A backlog is claimed in large
     * batches, while a node that was idle does not take every head at once and leave none to other nodes.
     */
    private int claimLimit;
    private volatile boolean running = true;

    /**
     * @param workers threads calling handlers
     * @param retrySchedule waits between attempts ({@code aurora.handlers.retry-schedule})
     * @param timeout longest call ({@code aurora.handlers.timeout})
     */
    public HandlerDispatcher(Database database, HandlerRegistry registry, int workers, List<Duration> retrySchedule,
                             Duration timeout, Clock clock) {
        this(database, registry, workers, retrySchedule, timeout, claimGrace(timeout), clock);
    }

    /** The grace for a timeout: the timeout itself, within [{@link #MIN_CLAIM_GRACE}, {@link #CLAIM_GRACE}]. */
    static Duration claimGrace(Duration timeout) {
        Duration grace = timeout.compareTo(CLAIM_GRACE) > 0 ? CLAIM_GRACE : timeout;
        return grace.compareTo(MIN_CLAIM_GRACE) < 0 ? MIN_CLAIM_GRACE : grace;
    }

    /** @param claimGrace how long a claim outlives the timeout ({@link #CLAIM_GRACE}; shorter in tests) */
    HandlerDispatcher(Database database, HandlerRegistry registry, int workers, List<Duration> retrySchedule,
                      Duration timeout, Duration claimGrace, Clock clock) {
        this.claimGrace = claimGrace;
        this.expiredError = "no outcome within aurora.handlers.timeout (" + timeout + ") plus " + claimGrace
                + ": the node calling it stopped or lost the database, or the handler ignored the interrupt";
        this.database = database;
        this.registry = registry;
        this.deliveries = new HandlerDeliveries(database.dialect());
        this.schedule = new RetrySchedule(retrySchedule, () -> ThreadLocalRandom.current().nextDouble());
        this.timeout = timeout;
        this.clock = clock;
        this.workers = workers;
        this.slots = new Semaphore(workers * QUEUE_PER_WORKER);
        this.claimLimit = workers;
        this.pool = Executors.newFixedThreadPool(workers, poolThreads);
        ScheduledThreadPoolExecutor timeouts = new ScheduledThreadPoolExecutor(1, watchdogThreads);
        // A call's timeout is cancelled when the call ends, almost always long before it is due: removed at once,
        // it neither piles up (a minute of calls) nor wakes the watchdog thread when its time comes.
        timeouts.setRemoveOnCancelPolicy(true);
        this.watchdog = timeouts;
        this.poller = pollerThreads.newThread(this::poll);
        this.completer = completerThreads.newThread(this::markDone);
        registry.onQueued(waker);
    }

    /** Starts the poller. */
    public void start() {
        completer.start();
        poller.start();
    }

    /** Makes the poller look for work now (a commit queued deliveries, or a call finished). */
    public void wake() {
        if (wakeUp.availablePermits() == 0) {
            wakeUp.release();
        }
    }

    private void poll() {
        long statisticsCheck = System.nanoTime();
        while (running) {
            try {
                if (System.nanoTime() - statisticsCheck > STATISTICS_CHECK.toNanos()) {
                    statisticsCheck = System.nanoTime();
                    keepStatistics();
                }
                List<Done> marks = new ArrayList<>();
                toMark.drainTo(marks, DONE_BATCH);
                // The slots of the calls marked done in this cycle are free once its transaction commits, so its
                // claim may take them: a cycle then marks and claims a whole queue's worth while there is a
                // backlog. Counting only the slots free beforehand, cycles alternated between large and small
                // claims (21 deliveries a cycle on average, measured on MariaDB with a no-op handler, against 64).
                int limit = Math.min(slots.availablePermits() + marks.size(), claimLimit);
                if (limit < claimLimit / 2) {
                    // Most of the queue is out on calls, each of which wakes this thread when it ends: wait for them
                    // rather than run a cycle (a transaction, on MariaDB five round trips and a commit) for a few.
                    toMark.addAll(marks);
                    wakeUp.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                    continue;
                }
                int claimed = 0;
                if (limit > 0 && !registry.isEmpty()) {
                    claimed = claimAndSubmit(marks, limit);
                } else {
                    toMark.addAll(marks); // for the completer
                }
                if (claimed == limit && limit == claimLimit) {
                    claimLimit = Math.min(workers * QUEUE_PER_WORKER, claimLimit * 2);
                } else if (claimed == 0 && limit > 0) {
                    claimLimit = workers;
                }
                if (claimed == limit && claimed > 0) {
                    continue; // there may be more: look again at once
                }
                wakeUp.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
                wakeUp.drainPermits();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return; // close() interrupted a claim: not a database problem
                }
                log.warn("aurora-webhooks: could not claim handler deliveries from {}: {}; trying again in {} s",
                        database.description(), e.getMessage(), ERROR_BACKOFF.toSeconds());
                try {
                    Thread.sleep(ERROR_BACKOFF.toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Keeps the queue's planner statistics current ({@link HandlerDeliveries#analyzeIfStale}); never throws. */
    private void keepStatistics() {
        try {
            if (database.jdbi().withHandle(deliveries::analyzeIfStale)) {
                log.info("aurora-webhooks: analysed {} in {}: its statistics were stale (is autovacuum off?)",
                        HandlerDeliveries.TABLE, database.description());
            }
        } catch (RuntimeException e) {
            log.debug("aurora-webhooks: could not check the statistics of {}", HandlerDeliveries.TABLE, e);
        }
    }

    /**
     * A claim's token, when it expires (epoch ms, on {@link #clock}), and the latest a call under it may
     * start: later, the call could outlast the claim.
     */
    private record Lease(String token, long expires, long startBy) {
    }

    /** A successful call waiting for its "done" mark. */
    private record Done(Claimed claimed, Lease lease, int attempt) {
    }

    /**
     * Writes {@code marks} and claims up to {@code limit} deliveries in one transaction, and hands each claimed
     * delivery to a worker; returns how many were claimed. {@code limit} may count the marks' slots.
     */
    private int claimAndSubmit(List<Done> marks, int limit) {
        database.ensureMigrated();
        String token = node + "#" + claims.incrementAndGet();
        long now = clock.millis();
        long expires = now + timeout.plus(claimGrace).toMillis();
        // The events are read in the claim's transaction (on PostgreSQL its one statement): if reading them fails,
        // the claim rolls back with it instead of holding the deliveries (and their subjects) until it expires.
        // The marks of the calls that finished meanwhile go into the same transaction: one commit instead of
        // two (on SQLite, one writer fewer contending for its lock). Should it fail, the completer writes them.
        List<HandlerDeliveries.Mark> toWrite = marks.stream()
                .map(d -> new HandlerDeliveries.Mark(d.claimed().id(), d.lease().token(), d.attempt())).toList();
        HandlerDeliveries.Cycle batch;
        try {
            HandleCallback<HandlerDeliveries.Cycle, RuntimeException> cycle = h -> deliveries.markAndClaim(h, toWrite,
                    registry.names(), token, now, expires, limit, expiredError);
            batch = deliveries.markAndClaimNeedsTransaction() ? database.jdbi().inTransaction(cycle)
                    : database.jdbi().withHandle(cycle);
        } catch (RuntimeException e) {
            toMark.addAll(marks);
            throw e;
        }
        if (batch.marked() < marks.size()) {
            lostClaims(marks, batch.marked());
        }
        slots.release(marks.size());
        Lease lease = new Lease(token, expires, now + claimGrace.toMillis() / 2);
        for (Claimed c : batch.claimed()) {
            slots.acquireUninterruptibly(); // never blocks: only this thread takes permits, at most as many as were free
            try {
                pool.execute(() -> {
                    boolean toBeMarked = false;
                    try {
                        toBeMarked = call(c, lease, batch.events().get(c.eventId()));
                    } finally {
                        if (!toBeMarked) {
                            slots.release();
                        }
                        wake(); // for the next claim, which also writes this call's mark
                    }
                });
            } catch (RejectedExecutionException stopping) {
                slots.release();
                giveBack(c, lease);
            }
        }
        return batch.claimed().size();
    }

    /**
     * The race between a call ending and its watchdog firing, decided under one lock: once {@link #end}
     * returned, no interrupt or abort from this call's watchdog can arrive any more, so clearing the
     * interrupt flag after it is final and a late interrupt never hits the outcome's SQL or the next call on
     * the same worker thread.
     */
    private static final class Watch {
        private final Thread worker;
        private boolean over;
        private boolean timedOut;
        private java.sql.Connection connection;

        Watch(Thread worker) {
            this.worker = worker;
        }

        /** A transactional handler's connection: aborted on timeout, since a blocked JDBC call ignores interrupts. */
        synchronized void use(java.sql.Connection c) {
            connection = c;
        }

        synchronized void timeOut() {
            if (!over) {
                timedOut = true;
                worker.interrupt();
                if (connection != null) {
                    abort(connection); // closed already (call finished meanwhile): a no-op on the pool's proxy
                }
            }
        }

        synchronized boolean timedOut() {
            return timedOut;
        }

        /** Ends the watch; returns whether it timed out. */
        synchronized boolean end() {
            over = true;
            connection = null;
            return timedOut;
        }
    }

    /**
     * One attempt of one delivery, on a worker thread; returns true when its success was handed to the
     * completer (which frees its slot once the mark is written).
     */
    private boolean call(Claimed c, Lease lease, EventLog.RecordedEvent recorded) {
        if (!running || clock.millis() > lease.startBy()) {
            giveBack(c, lease); // stopping, or waited too long behind slow calls: the next claim takes it
            return false;
        }
        AuroraEventHandler handler = registry.byName(c.handler()).orElse(null);
        if (handler == null) {
            giveBack(c, lease); // cannot happen: only registered names are claimed
            return false;
        }
        if (c.attempts() >= schedule.attempts()) {
            // Its last attempt never reported back (see HandlerDeliveries.claim), or the schedule was shortened
            // since: it is dead, not called again.
            finish(c, lease, c.attempts(), c.lastError() != null ? c.lastError()
                    : "out of attempts: aurora.handlers.retry-schedule allows " + schedule.attempts(), true);
            return false;
        }
        int attempt = c.attempts() + 1;
        if (recorded == null) {
            finish(c, lease, attempt, "event " + c.eventId() + " no longer exists (pruned by aurora.retention.events?)", true);
            return false;
        }
        AuroraEvent event = toEvent(recorded, attempt);
        Watch watch = new Watch(Thread.currentThread());
        ScheduledFuture<?> deadline = watchdog.schedule(watch::timeOut, timeout.toMillis(), TimeUnit.MILLISECONDS);
        Throwable thrown = null;
        Boolean marked = null; // a transactional handler's outcome: committed with the done mark, or not
        boolean timedOut;
        try {
            if (!accepts(handler, event.type())) {
                // A replay offered it an event it does not take: nothing to do.
            } else if (handler instanceof AuroraTransactionalHandler transactional) {
                marked = database.jdbi().inTransaction(h -> {
                    watch.use(h.getConnection());
                    transactional.handle(event, h.getConnection());
                    if (watch.timedOut()) {
                        throw new InterruptedException("timed out"); // rolls its work back
                    }
                    if (!deliveries.complete(h, c.id(), lease.token(), attempt, clock.millis())) {
                        h.rollback();
                        return false;
                    }
                    return true;
                });
            } else {
                handler.handle(event);
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            thrown = t;
        } finally {
            timedOut = watch.end();
            deadline.cancel(false);
            Thread.interrupted(); // this call's interrupt, if any; no later one can come (see Watch)
        }
        if (Boolean.TRUE.equals(marked)) {
            return false; // committed with its work, even if the watchdog fired during the commit
        }
        if (Boolean.FALSE.equals(marked)) {
            log.warn("aurora-webhooks: handler {} finished delivery {} after its claim was lost; its transaction "
                    + "was rolled back", c.handler(), c.id());
            return false;
        }
        if (timedOut) {
            finish(c, lease, attempt, "timed out after " + timeout + " (aurora.handlers.timeout); interrupted",
                    schedule.isLast(attempt));
            return false;
        } else if (thrown != null) {
            finish(c, lease, attempt, describe(thrown), schedule.isLast(attempt));
            return false;
        }
        toMark.add(new Done(c, lease, attempt));
        return true;
    }

    /** As the registry decides: a handler whose accepts() throws gets the event. */
    private static boolean accepts(AuroraEventHandler handler, String eventType) {
        try {
            return handler.accepts(eventType);
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * The completer thread: writes the "done" marks of every call that finished since its last transaction,
     * in one transaction, until close() says no call can finish any more and the queue is empty.
     */
    private void markDone() {
        List<Done> batch = new ArrayList<>();
        while (true) {
            try {
                if (!callsOver) {
                    Thread.sleep(FLUSH.toMillis());
                }
                toMark.drainTo(batch, DONE_BATCH);
                if (batch.isEmpty()) {
                    if (callsOver) {
                        return;
                    }
                    continue;
                }
                markDone(batch);
            } catch (InterruptedException e) {
                callsOver = true; // close() gave up waiting: what is left is called again after its claim expires
            } finally {
                slots.release(batch.size());
                if (!batch.isEmpty()) {
                    wake(); // the subjects' next deliveries are heads now
                }
                batch.clear();
            }
        }
    }

    /** One transaction of "done" marks, one UPDATE per claim and attempt number (almost always one). */
    private void markDone(List<Done> batch) {
        long expires = batch.stream().mapToLong(d -> d.lease().expires()).min().orElse(Long.MAX_VALUE);
        try {
            long now = clock.millis();
            persist(new Lease("", expires, expires), h -> writeMarks(h, batch, now));
        } catch (RuntimeException e) {
            log.warn("aurora-webhooks: {} handler calls finished but could not be marked done ({}); they will be called "
                    + "again once their claims expire", batch.size(), e.getMessage());
        }
    }

    /** Writes "done" marks in the caller's transaction; always true. */
    private boolean writeMarks(org.jdbi.v3.core.Handle h, List<Done> batch, long now) {
        Map<Lease, Map<Integer, List<Done>>> groups = new LinkedHashMap<>();
        for (Done d : batch) {
            groups.computeIfAbsent(d.lease(), k -> new TreeMap<>()).computeIfAbsent(d.attempt(), k -> new ArrayList<>()).add(d);
        }
        for (Map.Entry<Lease, Map<Integer, List<Done>>> claim : groups.entrySet()) {
            for (Map.Entry<Integer, List<Done>> same : claim.getValue().entrySet()) {
                List<Done> ds = same.getValue();
                int marked = deliveries.completeAll(h, ds.stream().map(d -> d.claimed().id()).toList(),
                        claim.getKey().token(), same.getKey(), now);
                if (marked < ds.size()) {
                    lostClaims(ds, marked);
                }
            }
        }
        return true;
    }

    /** Some of {@code marks} were not written: their claims were lost meanwhile (expired and taken over). */
    private static void lostClaims(List<Done> marks, int marked) {
        log.warn("aurora-webhooks: {} of the deliveries {} finished after their claim was lost; they may run again",
                marks.size() - marked, marks.stream().map(d -> d.claimed().handler() + " #" + d.claimed().id()).toList());
    }

    /** Records a failed attempt: a retry on the schedule, or a dead letter when {@code last}. */
    private void finish(Claimed c, Lease lease, int attempt, String error, boolean last) {
        try {
            long now = clock.millis();
            if (last) {
                if (!persist(lease, h -> deliveries.bury(h, c.id(), lease.token(), attempt, error, now))) {
                    lost(c, error);
                    return;
                }
                log.warn("aurora-webhooks: handler {} failed delivery {} (event {}) for the last time (attempt {}): {}; "
                        + "it is a dead letter now", c.handler(), c.id(), c.eventId(), attempt, error);
            } else {
                Duration wait = schedule.waitAfter(attempt);
                if (!persist(lease, h ->
                        deliveries.retryLater(h, c.id(), lease.token(), attempt, error, now + wait.toMillis()))) {
                    lost(c, error);
                    return;
                }
                log.info("aurora-webhooks: handler {} failed delivery {} (event {}), attempt {} of {}: {}; next in {}",
                        c.handler(), c.id(), c.eventId(), attempt, schedule.attempts(), error, wait);
            }
        } catch (RuntimeException e) {
            log.warn("aurora-webhooks: could not record the failure of delivery {} ({}); it will be tried again once "
                    + "its claim expires", c.id(), e.getMessage());
        }
    }

    /**
     * Writes an outcome, again every {@link #OUTCOME_RETRY} while it fails (the database unreachable) and the
     * claim lasts: an outcome lost to a short outage would otherwise have the call made again once the claim
     * expires, counted as a failed attempt. Gives up when the claim is about to expire or the dispatcher closes.
     */
    private boolean persist(Lease lease, org.jdbi.v3.core.HandleCallback<Boolean, RuntimeException> write) {
        while (true) {
            try {
                return database.jdbi().inTransaction(write);
            } catch (RuntimeException e) {
                if (!running || clock.millis() + OUTCOME_RETRY.toMillis() >= lease.expires()) {
                    throw e;
                }
                log.debug("aurora-webhooks: could not record a handler's outcome ({}); trying again in {}", e.getMessage(),
                        OUTCOME_RETRY);
                try {
                    Thread.sleep(OUTCOME_RETRY.toMillis());
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** A failure reported after the claim expired: whoever took the delivery over records its outcome. */
    private static void lost(Claimed c, String error) {
        log.warn("aurora-webhooks: handler {} failed delivery {} ({}) after its claim was lost; the failure is not "
                + "recorded, the call that took the delivery over decides", c.handler(), c.id(), error);
    }

    private void giveBack(Claimed c, Lease lease) {
        try {
            database.jdbi().useTransaction(h -> deliveries.giveBack(h, c.id(), lease.token()));
        } catch (RuntimeException e) {
            log.debug("aurora-webhooks: could not give back delivery {}; its claim expires instead", c.id(), e);
        }
    }

    private static void abort(java.sql.Connection connection) {
        try {
            connection.abort(Runnable::run);
        } catch (java.sql.SQLException | RuntimeException e) {
            log.debug("aurora-webhooks: aborting a timed-out handler's connection failed", e);
        }
    }

    private static AuroraEvent toEvent(EventLog.RecordedEvent recorded, int attempt) {
        AuroraEvent.Builder b = AuroraEvent.builder(recorded.eventType()).id(recorded.id())
                .receivedAt(recorded.receivedAt()).attempt(attempt);
        recorded.attributes().forEach(b::attribute);
        if (recorded.repeatOf() != null) {
            b.repeatOf(recorded.repeatOf());
        }
        return b.build();
    }

    /** The failure as the dead-letter list shows it: the exception's class and message, and its root cause's. */
    static String describe(Throwable t) {
        StringBuilder s = new StringBuilder(t.getClass().getName());
        if (t.getMessage() != null) {
            s.append(": ").append(t.getMessage());
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != t) {
            s.append(" (caused by ").append(root.getClass().getName());
            if (root.getMessage() != null) {
                s.append(": ").append(root.getMessage());
            }
            s.append(')');
        }
        return s.toString();
    }

    /** The number of threads calling handlers. */
    public int workers() {
        return workers;
    }

    /**
     * Stops claiming, lets calls in progress finish for a while, then interrupts them; deliveries not
     * started are given back. Waits for every thread it started.
     */
    @Override
    public void close() {
        running = false;
        registry.removeOnQueued(waker);
        poller.interrupt();
        try {
            poller.join(STOP_WAIT.toMillis());
            pool.shutdown();
            if (!pool.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("aurora-webhooks: handler calls still running after {} s; interrupting them", STOP_WAIT.toSeconds());
                pool.shutdownNow();
                pool.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            callsOver = true; // the completer writes the marks of the calls that finished, then stops
            completer.join(STOP_WAIT.toMillis());
            if (completer.isAlive()) {
                completer.interrupt();
            }
            watchdog.shutdownNow();
            for (DaemonThreads threads : List.of(pollerThreads, poolThreads, completerThreads, watchdogThreads)) {
                threads.join(STOP_WAIT);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            watchdog.shutdownNow();
            callsOver = true;
            completer.interrupt();
            Thread.currentThread().interrupt();
        }
    }
}
