package org.aurorawebhooks.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.api.AuroraApiException;
import org.aurorawebhooks.api.AuroraApiInterruptedException;
import org.aurorawebhooks.api.AuroraAuthenticationException;
import org.aurorawebhooks.api.AuroraUnknownTenantException;
import org.aurorawebhooks.api.AuroraUnreachableException;
import org.aurorawebhooks.internal.DaemonThreads;
import org.aurorawebhooks.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches leads that deliveries marked due and upserts them into {@code aurora_leads}. Runs on its
 * own threads, never on a request thread, so it never slows a webhook answer. The pending work lives
 * in {@code aurora_lead_sync}: it survives restarts, and claims with leases keep two workers (threads
 * or nodes) from fetching the same lead at once.
 *
 * <p>A rejected token (401/403), an unknown tenant or an API address where nothing answers pauses the
 * worker rather than burning through the queue: the leads stay due and are fetched once the configuration is fixed. A 404 marks a lead gone
 * only when the tenant exists around it ({@link AuroraApi#retrieveLead} checks), never because of a
 * mistyped {@code aurora.api.tenant-id}. Other failures back off per lead, with the
 * error visible in {@code aurora_lead_sync.last_error} and in {@code status}.
 */
public final class LeadSyncWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeadSyncWorker.class);
    /** How often an idle worker looks for due leads: the bound on delivery-to-row latency. */
    static final long POLL_MILLIS = 200;
    /**
     * Longer than the longest a claim's work can take: at most three API calls (Retrieve Lead, and after
     * a 404 the tenant check and Retrieve Lead again), each ending within {@link AuroraApi#MAX_CALL_DURATION}
     * whatever Aurora answers, plus the database. So a claim never runs out under a worker that is still
     * fetching; a dead worker's leads wait this long, or for the next reconcile.
     */
    static final Duration LEASE = AuroraApi.MAX_CALL_DURATION.multipliedBy(4);
    private static final long AUTH_PAUSE_MILLIS = 60_000;

    private final Database database;
    private final AuroraApi api;
    private final LeadSyncQueue queue;
    private final LeadStore leads;
    private final Clock clock;
    private final String workerId;
    private final DaemonThreads threadFactory = DaemonThreads.named("lead-sync");
    private final ExecutorService threads;
    private final AtomicInteger fetched = new AtomicInteger();
    private volatile boolean running = true;
    private volatile long pausedUntil;

    private LeadSyncWorker(Database database, AuroraApi api, Clock clock, int threadCount) {
        this.database = database;
        this.api = api;
        this.clock = clock;
        this.queue = new LeadSyncQueue(database, clock);
        this.leads = new LeadStore(database);
        this.workerId = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.threads = Executors.newFixedThreadPool(threadCount, threadFactory);
    }

    /** Starts {@code threadCount} threads polling the queue. */
    public static LeadSyncWorker start(Database database, AuroraApi api, Clock clock, int threadCount) {
        LeadSyncWorker worker = new LeadSyncWorker(database, api, clock, threadCount);
        for (int i = 0; i < threadCount; i++) {
            worker.threads.execute(worker::loop);
        }
        return worker;
    }

    /** Leads fetched (and stored or marked gone) since start: for tests and the sample's page. */
    int fetchedCount() {
        return fetched.get();
    }

    private void loop() {
        String me = workerId + "-" + Thread.currentThread().getName();
        long outageBackoff = 1_000;
        while (running) {
            try {
                if (clock.millis() < pausedUntil) {
                    sleep(POLL_MILLIS);
                    continue;
                }
                database.ensureMigrated();
                List<LeadSyncQueue.Claim> claims = queue.claim(me, 1, LEASE);
                outageBackoff = 1_000;
                if (claims.isEmpty()) {
                    sleep(POLL_MILLIS);
                    continue;
                }
                for (LeadSyncQueue.Claim claim : claims) {
                    process(claim, me);
                }
            } catch (RuntimeException e) {
                // The database may be down: keep trying, less often the longer it lasts (and logs less).
                log.warn("aurora-webhooks: lead sync could not reach the database (next try in {} s): {}",
                        outageBackoff / 1000, e.getMessage());
                sleep(outageBackoff);
                outageBackoff = Math.min(30_000, outageBackoff * 2);
            }
        }
    }

    private void process(LeadSyncQueue.Claim claim, String me) {
        if (!running) {
            queue.giveBack(claim, me, 0);
            return;
        }
        try {
            // Empty only when the lead is gone and the tenant exists: a 404 of an unknown tenant throws instead.
            Optional<ObjectNode> lead = api.retrieveLead(claim.leadId());
            if (lead.isPresent()) {
                leads.upsert(lead.get(), clock.instant());
            } else {
                leads.markGone(claim.leadId(), clock.instant());
            }
            queue.complete(claim, me);
            fetched.incrementAndGet();
        } catch (AuroraApiInterruptedException e) {
            // Stopping: hand the lead back for the next start rather than hold it until the lease ends.
            Thread.interrupted();
            running = false;
            giveBackQuietly(claim, me, 0);
        } catch (AuroraAuthenticationException | AuroraUnknownTenantException | AuroraUnreachableException e) {
            pausedUntil = clock.millis() + AUTH_PAUSE_MILLIS;
            log.error("aurora-webhooks: lead sync paused for {} s: {}", AUTH_PAUSE_MILLIS / 1000, e.getMessage());
            queue.giveBack(claim, me, AUTH_PAUSE_MILLIS);
        } catch (AuroraApiException | IllegalArgumentException e) {
            log.warn("aurora-webhooks: fetching lead {} failed (attempt {}): {}", claim.leadId(), claim.attempts() + 1,
                    e.getMessage());
            queue.fail(claim, me, e.getMessage());
        } catch (RuntimeException e) {
            // The database refused the result: hand the lead back rather than sit on it until the lease ends.
            log.warn("aurora-webhooks: storing lead {} failed: {}", claim.leadId(), e.getMessage());
            giveBackQuietly(claim, me, 1_000);
        }
    }

    private void giveBackQuietly(LeadSyncQueue.Claim claim, String me, long delayMillis) {
        try {
            queue.giveBack(claim, me, delayMillis);
        } catch (RuntimeException ignored) {
            // the database is down: this worker's next claim takes the lead again (another's, once the lease runs out)
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the threads and waits for them to end: a fetch in flight is interrupted and its lead given
     * back, due at once, for the next start (or another node).
     */
    @Override
    public void close() {
        running = false;
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(20, TimeUnit.SECONDS)) {
                log.warn("aurora-webhooks: a lead sync thread did not stop within 20 s");
            }
            threadFactory.join(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
