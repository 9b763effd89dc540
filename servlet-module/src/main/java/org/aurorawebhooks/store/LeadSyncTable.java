package org.aurorawebhooks.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * All SQL on {@code aurora_lead_sync}, the durable queue of leads due for a fetch: the event writer
 * marks leads due, the lead sync worker claims, completes, fails and gives back. Times are epoch
 * milliseconds. What differs between databases comes from the {@link Dialect}. Callers own the
 * transactions; every method runs on the handle or connection it is given. Thread-safe (stateless).
 */
public final class LeadSyncTable {
    /** A lead a worker now holds: complete it with the generation it was claimed at. */
    public record Claimed(String leadId, long generation, int attempts) {
    }

    /** Counts for {@code status}. */
    public record Counts(long pending, long failing, long claimed) {
    }

    /** A lead waiting for a fetch, as {@code status} or a page lists it. */
    public record Waiting(String leadId, String reason, int attempts, String lastError) {
    }

    /** Rows a worker may claim: free ones, ones whose lease ran out, and its own whose outcome was never written. */
    private static final String CLAIMABLE = "claimed_by IS NULL OR claim_expires_at < :now OR claimed_by = :worker";

    /** The table's name, for callers that check it exists before reading. */
    public static final String TABLE = "aurora_lead_sync";

    private final Dialect dialect;

    public LeadSyncTable(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * The statement that makes {@code rows} distinct leads due. A burst of requests for one lead stays
     * one row; {@code generation} goes up by the number of requests, so a fetch that started before the
     * latest request does not mark it done. Parameters per row: lead_id, requests, reason, requested_at, due_at.
     */
    String markDueSql(int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO aurora_lead_sync (lead_id, generation, reason, requested_at, due_at, attempts) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, 0)");
        }
        return sql.append(markDueConflict()).toString();
    }

    /**
     * {@link #markDueSql} with the leads as arrays, one text whatever their number (PostgreSQL, see
     * {@link Dialect#bindsArrays()}), for the event writer to run within its batch's statement.
     * Parameters: requested_at and due_at, then the arrays bound by {@link #bindDueArrays}.
     */
    String markDueFromArraysSql() {
        return "INSERT INTO aurora_lead_sync (lead_id, generation, reason, requested_at, due_at, attempts) "
                + "SELECT t.lead_id, t.requests, t.reason, ?, ?, 0 FROM unnest(CAST(? AS TEXT[]), CAST(? AS BIGINT[]), "
                + "CAST(? AS TEXT[])) WITH ORDINALITY AS t(lead_id, requests, reason, n) ORDER BY t.n" + markDueConflict();
    }

    /** Binds {@link #markDueFromArraysSql}'s parameters from {@code first} on; returns the next index. */
    static int bindDueArrays(PreparedStatement st, int first, Map<String, Request> requests, long now) throws SQLException {
        String[] leads = new String[requests.size()];
        Long[] counts = new Long[requests.size()];
        String[] reasons = new String[requests.size()];
        int r = 0;
        for (Map.Entry<String, Request> e : requests.entrySet()) {
            leads[r] = e.getKey();
            counts[r] = (long) e.getValue().count();
            reasons[r++] = e.getValue().reason();
        }
        Connection c = st.getConnection();
        int i = first;
        st.setLong(i++, now);
        st.setLong(i++, now);
        st.setArray(i++, c.createArrayOf("text", leads));
        st.setArray(i++, c.createArrayOf("bigint", counts));
        st.setArray(i++, c.createArrayOf("text", reasons));
        return i;
    }

    /** What makes an existing row due again: the earlier due time kept, the generation bumped. */
    private String markDueConflict() {
        return dialect.upsert("aurora_lead_sync", "lead_id")
                + "due_at = CASE WHEN aurora_lead_sync.due_at < " + dialect.inserted("due_at")
                + " THEN aurora_lead_sync.due_at ELSE " + dialect.inserted("due_at") + " END, "
                + "generation = aurora_lead_sync.generation + " + dialect.inserted("generation") + ", "
                + "reason = " + dialect.inserted("reason") + ", "
                + "requested_at = " + dialect.inserted("requested_at");
    }

    /**
     * Marks leads due at {@code now} in one statement, in the caller's transaction.
     *
     * @param requests per lead id: how many requests arrived and the reason of the last one
     */
    void markDue(Connection connection, Map<String, Request> requests, long now) throws SQLException {
        if (requests.isEmpty()) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement(markDueSql(requests.size()))) {
            int i = 1;
            for (Map.Entry<String, Request> e : requests.entrySet()) {
                st.setString(i++, e.getKey());
                st.setLong(i++, e.getValue().count());
                st.setString(i++, e.getValue().reason());
                st.setLong(i++, now);
                st.setLong(i++, now);
            }
            st.executeUpdate();
        }
    }

    /** Requests for one lead within a batch. */
    record Request(int count, String reason) {
    }

    /** Makes one lead due now (the reconciler uses this for leads it could not fetch itself). */
    public void markDue(Handle h, String leadId, String reason, long now) {
        h.createUpdate(markDueSql(1)).bind(0, leadId).bind(1, 1).bind(2, reason).bind(3, now).bind(4, now).execute();
    }

    /**
     * Claims up to {@code limit} due leads until {@code expires}; must run in a transaction. Concurrent
     * claimers skip each other's rows ({@code FOR UPDATE SKIP LOCKED}); on SQLite the writer lock
     * makes the single statement exclusive.
     *
     * <p>A worker claims only when it holds nothing, so a row still claimed by {@code worker} is one whose
     * outcome it could not write (the database went away after the claim, or a commit's answer was lost):
     * it is claimed again like a free one, rather than left until the lease runs out (15 minutes) while its
     * worker is alive and the database is back.
     */
    public List<Claimed> claim(Handle h, String worker, long now, long expires, int limit) {
        String due = "SELECT lead_id FROM aurora_lead_sync WHERE due_at <= :now "
                + "AND (" + CLAIMABLE + ") ORDER BY due_at LIMIT :limit";
        if (dialect.hasReturning()) {
            return h.createQuery("UPDATE aurora_lead_sync SET claimed_by = :worker, claim_expires_at = :expires "
                            + "WHERE lead_id IN (" + due + dialect.forUpdateSkipLocked() + ") "
                            + "RETURNING lead_id, generation, attempts")
                    .bind("worker", worker).bind("expires", expires).bind("now", now).bind("limit", limit)
                    .map((rs, ctx) -> new Claimed(rs.getString("lead_id"), rs.getLong("generation"), rs.getInt("attempts")))
                    .list();
        }
        // No UPDATE ... RETURNING: lock the rows, then claim exactly those, in the caller's transaction.
        List<Claimed> claimed = h.createQuery("SELECT lead_id, generation, attempts FROM aurora_lead_sync "
                        + "WHERE due_at <= :now AND (" + CLAIMABLE + ") "
                        + "ORDER BY due_at LIMIT :limit" + dialect.forUpdateSkipLocked())
                .bind("now", now).bind("limit", limit).bind("worker", worker)
                .map((rs, ctx) -> new Claimed(rs.getString("lead_id"), rs.getLong("generation"), rs.getInt("attempts")))
                .list();
        if (!claimed.isEmpty()) {
            h.createUpdate("UPDATE aurora_lead_sync SET claimed_by = :worker, claim_expires_at = :expires "
                            + "WHERE lead_id IN (<ids>)")
                    .bind("worker", worker).bind("expires", expires)
                    .bindList("ids", claimed.stream().map(Claimed::leadId).toList()).execute();
        }
        return claimed;
    }

    /** Removes the row if no request arrived since the claim; false when one did. */
    public boolean deleteIfUnchanged(Handle h, String leadId, long generation) {
        return h.createUpdate("DELETE FROM aurora_lead_sync WHERE lead_id = :id AND generation = :gen")
                .bind("id", leadId).bind("gen", generation).execute() > 0;
    }

    /** Releases a completed claim whose lead got a newer request: due again, with a clean slate. */
    public void releaseCompleted(Handle h, String leadId, String worker) {
        h.createUpdate("UPDATE aurora_lead_sync SET claimed_by = NULL, claim_expires_at = NULL, attempts = 0, "
                        + "last_error = NULL WHERE lead_id = :id AND claimed_by = :worker")
                .bind("id", leadId).bind("worker", worker).execute();
    }

    /** Records a failed fetch: released, due again at {@code dueAt}, the error visible. */
    public void fail(Handle h, String leadId, String worker, int attempts, String error, long dueAt) {
        h.createUpdate("UPDATE aurora_lead_sync SET attempts = :attempts, "
                        + "last_error = :error, due_at = :due, claimed_by = NULL, claim_expires_at = NULL "
                        + "WHERE lead_id = :id AND claimed_by = :worker")
                .bind("attempts", attempts).bind("error", error).bind("due", dueAt)
                .bind("id", leadId).bind("worker", worker).execute();
    }

    /** Gives a claim back untouched, due at {@code dueAt}. */
    public void giveBack(Handle h, String leadId, String worker, long dueAt) {
        h.createUpdate("UPDATE aurora_lead_sync SET claimed_by = NULL, "
                        + "claim_expires_at = NULL, due_at = :due WHERE lead_id = :id AND claimed_by = :worker")
                .bind("due", dueAt).bind("id", leadId).bind("worker", worker).execute();
    }

    public Counts counts(Handle h, long now) {
        return h.createQuery("SELECT COUNT(*) AS pending, "
                        + "COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0) AS failing, "
                        + "COALESCE(SUM(CASE WHEN claimed_by IS NOT NULL AND claim_expires_at >= :now THEN 1 ELSE 0 END), 0) AS claimed "
                        + "FROM aurora_lead_sync")
                .bind("now", now)
                .map((rs, ctx) -> new Counts(rs.getLong("pending"), rs.getLong("failing"), rs.getLong("claimed")))
                .one();
    }

    /** Up to {@code limit} leads waiting for a fetch, the soonest due first. */
    public List<Waiting> waiting(Handle h, int limit) {
        return h.createQuery("SELECT lead_id, reason, attempts, last_error FROM aurora_lead_sync "
                        + "ORDER BY due_at, lead_id LIMIT :n")
                .bind("n", limit).map((rs, ctx) -> waitingRow(rs)).list();
    }

    /** Up to {@code limit} leads whose fetch has failed, the most attempts first. */
    public List<Waiting> failing(Handle h, int limit) {
        return h.createQuery("SELECT lead_id, reason, attempts, last_error FROM aurora_lead_sync "
                        + "WHERE attempts > 0 ORDER BY attempts DESC, lead_id LIMIT :n")
                .bind("n", limit).map((rs, ctx) -> waitingRow(rs)).list();
    }

    private static Waiting waitingRow(ResultSet rs) throws SQLException {
        return new Waiting(rs.getString("lead_id"), rs.getString("reason"), rs.getInt("attempts"),
                rs.getString("last_error"));
    }
}
