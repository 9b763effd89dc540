package org.aurorawebhooks.sync;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.Dialect;
import org.aurorawebhooks.store.LeadSyncSql;

/**
 * The durable queue of leads due for a fetch ({@code aurora_lead_sync}). Work is claimed with a lease:
 * two workers, threads or nodes, never hold the same lead at once, and a worker that dies releases its
 * claims when the lease runs out. On PostgreSQL claims use {@code FOR UPDATE SKIP LOCKED}; SQLite
 * serializes writers, so its single {@code UPDATE} is already exclusive. Thread-safe.
 */
public final class LeadSyncQueue {
    /** A claimed lead: complete it with the generation it was claimed at. */
    public record Claim(String leadId, long generation, int attempts) {
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
    private final String claimSql;

    public LeadSyncQueue(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
        String lock = database.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
        this.claimSql = "UPDATE aurora_lead_sync SET claimed_by = :worker, claim_expires_at = :expires "
                + "WHERE lead_id IN (SELECT lead_id FROM aurora_lead_sync WHERE due_at <= :now "
                + "AND (claimed_by IS NULL OR claim_expires_at < :now) ORDER BY due_at LIMIT :limit" + lock + ") "
                + "RETURNING lead_id, generation, attempts";
    }

    /** Makes a lead due now (the reconciler uses this for leads it could not fetch itself). */
    public void markDue(String leadId, String reason) {
        long now = clock.millis();
        database.jdbi().useHandle(h -> h.createUpdate(LeadSyncSql.MARK_DUE)
                .bind(0, leadId).bind(1, reason).bind(2, now).bind(3, now).execute());
    }

    /** Claims up to {@code limit} due leads for {@code lease}. */
    public List<Claim> claim(String worker, int limit, Duration lease) {
        long now = clock.millis();
        return database.jdbi().inTransaction(h -> h.createQuery(claimSql)
                .bind("worker", worker)
                .bind("expires", now + lease.toMillis())
                .bind("now", now)
                .bind("limit", limit)
                .map((rs, ctx) -> new Claim(rs.getString("lead_id"), rs.getLong("generation"), rs.getInt("attempts")))
                .list());
    }

    /**
     * Done with a claim. The row goes away unless a new request arrived meanwhile (a higher generation):
     * then it stays due, so the newer change is fetched too.
     */
    public void complete(Claim claim, String worker) {
        database.jdbi().useTransaction(h -> {
            int deleted = h.createUpdate("DELETE FROM aurora_lead_sync WHERE lead_id = :id AND generation = :gen")
                    .bind("id", claim.leadId()).bind("gen", claim.generation()).execute();
            if (deleted == 0) {
                release(h, claim.leadId(), worker);
            }
        });
    }

    /** A failed fetch: the lead stays due after an exponential backoff, with the error visible. */
    public void fail(Claim claim, String worker, String error) {
        int attempts = claim.attempts() + 1;
        long backoff = Math.min(MAX_BACKOFF_MILLIS, 1_000L << Math.min(attempts, 20));
        String message = error == null ? "unknown error" : error.length() > 1900 ? error.substring(0, 1900) : error;
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE aurora_lead_sync SET attempts = :attempts, "
                        + "last_error = :error, due_at = :due, claimed_by = NULL, claim_expires_at = NULL "
                        + "WHERE lead_id = :id AND claimed_by = :worker")
                .bind("attempts", attempts).bind("error", message).bind("due", clock.millis() + backoff)
                .bind("id", claim.leadId()).bind("worker", worker).execute());
    }

    /** Gives a claim back untouched, due now (e.g. the worker is stopping, or the API token is bad). */
    public void giveBack(Claim claim, String worker, long delayMillis) {
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE aurora_lead_sync SET claimed_by = NULL, "
                        + "claim_expires_at = NULL, due_at = :due WHERE lead_id = :id AND claimed_by = :worker")
                .bind("due", clock.millis() + delayMillis).bind("id", claim.leadId()).bind("worker", worker).execute());
    }

    private static void release(org.jdbi.v3.core.Handle h, String leadId, String worker) {
        h.createUpdate("UPDATE aurora_lead_sync SET claimed_by = NULL, claim_expires_at = NULL, attempts = 0, "
                        + "last_error = NULL WHERE lead_id = :id AND claimed_by = :worker")
                .bind("id", leadId).bind("worker", worker).execute();
    }

    public Stats stats() {
        long now = clock.millis();
        return database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) AS pending, "
                        + "SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS failing, "
                        + "SUM(CASE WHEN claimed_by IS NOT NULL AND claim_expires_at >= :now THEN 1 ELSE 0 END) AS claimed "
                        + "FROM aurora_lead_sync")
                .bind("now", now)
                .map((rs, ctx) -> new Stats(rs.getLong("pending"), rs.getLong("failing"), rs.getLong("claimed")))
                .one());
    }

    /** Up to {@code limit} leads waiting for a fetch, the soonest due first. */
    public List<Waiting> waiting(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit + " is not positive");
        }
        return database.jdbi().withHandle(h -> h.createQuery("SELECT lead_id, reason, attempts, last_error "
                        + "FROM aurora_lead_sync ORDER BY due_at, lead_id LIMIT :n")
                .bind("n", limit)
                .map((rs, ctx) -> new Waiting(rs.getString("lead_id"), rs.getString("reason"), rs.getInt("attempts"),
                        rs.getString("last_error")))
                .list());
    }
}
