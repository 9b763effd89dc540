package org.aurorawebhooks.sync;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.LeadSyncTable;

/**
 * The durable queue of leads due for a fetch ({@code aurora_lead_sync}). Work is claimed with a lease:
 * two workers, threads or nodes, never hold the same lead at once, and a worker that dies releases its
 * claims when the lease runs out. The SQL, and how each database makes claims exclusive, live in
 * {@link LeadSyncTable}. Thread-safe.
 */
public final class LeadSyncQueue {
    /** A claimed lead: complete it with the generation it was claimed at. */
    record Claim(String leadId, long generation, int attempts) {
    }

    /** Counts for {@code status}. */
    public record Stats(long pending, long failing, long claimed) {
    }

    /** A lead waiting for a fetch, as a page lists it. */
    public record Waiting(String leadId, String reason, int attempts, String lastError) {
    }

    private static final long MAX_BACKOFF_MILLIS = Duration.ofHours(1).toMillis();

    private final Database database;
    private final Clock clock;
    private final LeadSyncTable table;

    public LeadSyncQueue(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
        this.table = new LeadSyncTable(database.dialect());
    }

    /** Makes a lead due now (the reconciler uses this for leads it could not fetch itself). */
    public void markDue(String leadId, String reason) {
        long now = clock.millis();
        database.jdbi().useHandle(h -> table.markDue(h, leadId, reason, now));
    }

    /**
     * Claims up to {@code limit} due leads for {@code lease}. Only for a worker that holds no claim: any lead
     * still claimed by {@code worker} is taken again (its outcome was never written).
     */
    List<Claim> claim(String worker, int limit, Duration lease) {
        long now = clock.millis();
        return database.jdbi().inTransaction(h -> table.claim(h, worker, now, now + lease.toMillis(), limit)).stream()
                .map(c -> new Claim(c.leadId(), c.generation(), c.attempts())).toList();
    }

    /**
     * Done with a claim. The row goes away unless a new request arrived meanwhile (a higher generation):
     * then it stays due, so the newer change is fetched too.
     */
    void complete(Claim claim, String worker) {
        database.jdbi().useTransaction(h -> {
            if (!table.deleteIfUnchanged(h, claim.leadId(), claim.generation())) {
                table.releaseCompleted(h, claim.leadId(), worker);
            }
        });
    }

    /** A failed fetch: the lead stays due after an exponential backoff, with the error visible. */
    void fail(Claim claim, String worker, String error) {
        int attempts = claim.attempts() + 1;
        long backoff = Math.min(MAX_BACKOFF_MILLIS, 1_000L << Math.min(attempts, 20));
        String message = error == null ? "unknown error" : error.length() > 1900 ? error.substring(0, 1900) : error;
        long due = clock.millis() + backoff;
        database.jdbi().useHandle(h -> table.fail(h, claim.leadId(), worker, attempts, message, due));
    }

    /** Gives a claim back untouched, due now (e.g. the worker is stopping, or the API token is bad). */
    void giveBack(Claim claim, String worker, long delayMillis) {
        long due = clock.millis() + delayMillis;
        database.jdbi().useHandle(h -> table.giveBack(h, claim.leadId(), worker, due));
    }

    public Stats stats() {
        long now = clock.millis();
        LeadSyncTable.Counts c = database.jdbi().withHandle(h -> table.counts(h, now));
        return new Stats(c.pending(), c.failing(), c.claimed());
    }

    /** Up to {@code limit} leads waiting for a fetch, the soonest due first. */
    public List<Waiting> waiting(int limit) {
        requirePositive(limit);
        return database.jdbi().withHandle(h -> table.waiting(h, limit)).stream().map(LeadSyncQueue::waiting).toList();
    }

    /** Up to {@code limit} leads whose fetch has failed at least once, the most attempts first. */
    public List<Waiting> failing(int limit) {
        requirePositive(limit);
        return database.jdbi().withHandle(h -> table.failing(h, limit)).stream().map(LeadSyncQueue::waiting).toList();
    }

    private static Waiting waiting(LeadSyncTable.Waiting w) {
        return new Waiting(w.leadId(), w.reason(), w.attempts(), w.lastError());
    }

    private static void requirePositive(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit + " is not positive");
        }
    }
}
