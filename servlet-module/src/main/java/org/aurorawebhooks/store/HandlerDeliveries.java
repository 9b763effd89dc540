package org.aurorawebhooks.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/**
 * All SQL on {@code aurora_handler_deliveries}, the durable queue between recorded events and the host
 * app's handlers: one row per call to make (event, handler), written by the event writer in the
 * transaction that records the event, claimed and finished by the dispatcher, listed, retried and
 * replayed by operators, pruned by retention. Times are epoch milliseconds.
 *
 * <p>Status: {@code pending} (waiting, running under a claim, or waiting for a retry when
 * {@code attempts > 0}), {@code done}, {@code dead} (out of attempts: stays until an operator retries it).
 *
 * <p>Order per subject: only the <em>head</em> of a (handler, subject), its oldest pending row, can be
 * claimed, so one handler never gets a subject's events out of order or two at a time, on any number of
 * nodes. A head that keeps failing holds the rows behind it until it succeeds or dies; a dead row no longer
 * holds anything. Rows without a subject are independent. Callers own the transactions; each method runs
 * on the handle or connection it is given. Thread-safe (stateless).
 */
public final class HandlerDeliveries {
    public static final String TABLE = "aurora_handler_deliveries";
    /** What {@code last_error} keeps of a failure's description: the column's width. */
    public static final int ERROR_LENGTH = 2000;

    /**
     * A delivery a dispatcher now holds under {@code token}; finish it with the same token. {@code attempts}
     * counts the attempts made so far, including one whose claim expired unfinished; {@code lastError} is
     * that of the latest failed attempt, if any.
     */
    public record Claimed(long id, long eventId, String handler, String subject, int attempts, String lastError) {
    }

    /** A dead delivery, as {@code dead-letters} and the console list it. */
    public record DeadLetter(long id, long eventId, String handler, String subject, int attempts, long finishedAt,
                             String lastError) {
    }

    /** Per handler: rows waiting (never tried), retrying (failed at least once, not dead) and dead. */
    public record HandlerCounts(String handler, long pending, long retrying, long dead, long done) {
    }

    /** One call to make, as the event writer queues it with the event, or an operator's replay. */
    public record NewDelivery(long eventId, String handler, String subject) {
    }

    /** Rows per INSERT, ids per batched UPDATE: keeps the bound parameters far below every driver's limit. */
    private static final int INSERT_ROWS = 500;

    private final Dialect dialect;

    public HandlerDeliveries(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Queues the calls in one statement, in the caller's transaction, due at {@code now}. */
    void enqueue(Connection connection, List<NewDelivery> rows, long now) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO aurora_handler_deliveries "
                + "(event_id, handler, subject, status, attempts, due_at, created_at) VALUES ");
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, 'pending', 0, ?, ?)");
        }
        try (PreparedStatement st = connection.prepareStatement(sql.toString())) {
            int i = 1;
            for (NewDelivery row : rows) {
                st.setLong(i++, row.eventId());
                st.setString(i++, row.handler());
                st.setString(i++, row.subject());
                st.setLong(i++, now);
                st.setLong(i++, now);
            }
            st.executeUpdate();
        }
    }

    /** Queues calls from an operator's {@code replay}: same as the writer's, on a handle. */
    public void enqueue(Handle h, long eventId, String handler, String subject, long now) {
        h.createUpdate("INSERT INTO aurora_handler_deliveries "
                        + "(event_id, handler, subject, status, attempts, due_at, created_at) "
                        + "VALUES (:event, :handler, :subject, 'pending', 0, :now, :now)")
                .bind("event", eventId).bind("handler", handler).bind("subject", subject).bind("now", now).execute();
    }

    /**
     * Queues calls from an operator's {@code replay}, in the caller's transaction, due at {@code now}: as the
     * writer's, in statements of at most {@value #INSERT_ROWS} rows. Rows get ids in list order, which is
     * the order one subject's calls reach a handler.
     */
    public void enqueueAll(Handle h, List<NewDelivery> rows, long now) {
        try {
            for (int from = 0; from < rows.size(); from += INSERT_ROWS) {
                enqueue(h.getConnection(), rows.subList(from, Math.min(rows.size(), from + INSERT_ROWS)), now);
            }
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    /**
     * Claims up to {@code limit} due heads of the given handlers under {@code token} until {@code expires};
     * must run in a transaction. Concurrent claimers skip each other's rows ({@code FOR UPDATE SKIP LOCKED});
     * a row behind a locked head is not a head either, so it is not taken meanwhile (the {@code NOT EXISTS}
     * reads without locking on PostgreSQL and MariaDB alike). On SQLite the writer lock makes the statement
     * exclusive.
     *
     * <p>A head still claimed by someone else whose claim expired was an attempt that never reported back
     * (its node died, lost the database, or the handler ignored the interrupt after its timeout): it counts
     * as a failed attempt with {@code expiredError} as its error, so a call that hangs every time ends dead
     * instead of being retried forever at the same attempt number.
     */
    public List<Claimed> claim(Handle h, Collection<String> handlers, String token, long now, long expires, int limit,
                               String expiredError) {
        if (handlers.isEmpty() || limit <= 0) {
            return List.of();
        }
        String heads = "SELECT d.id, d.event_id, d.handler, d.subject, d.attempts, d.last_error, d.claimed_by "
                + "FROM aurora_handler_deliveries d WHERE d.status = 'pending' AND d.due_at <= :now "
                + "AND d.handler IN (<handlers>) AND (d.claimed_by IS NULL OR d.claim_expires_at < :now) "
                + "AND (d.subject IS NULL OR d.id = (SELECT MIN(p.id) FROM aurora_handler_deliveries p "
                + "WHERE p.handler = d.handler AND p.subject = d.subject AND p.status = 'pending')) "
                + "ORDER BY d.due_at, d.id LIMIT :limit";
        // attempts and last_error are assigned before claimed_by: MariaDB evaluates SET left to right, with
        // the values already assigned, PostgreSQL and SQLite with the old ones; this order reads the old
        // claimed_by on all three.
        String set = "SET attempts = CASE WHEN claimed_by IS NULL THEN attempts ELSE attempts + 1 END, "
                + "last_error = CASE WHEN claimed_by IS NULL THEN last_error ELSE :expiredError END, "
                + "claimed_by = :token, claim_expires_at = :expires ";
        String error = truncate(expiredError);
        if (dialect.hasReturning()) {
            return h.createQuery("UPDATE aurora_handler_deliveries " + set
                            + "WHERE id IN (SELECT id FROM (" + heads + dialect.forUpdateSkipLocked() + ") AS heads) "
                            + "RETURNING id, event_id, handler, subject, attempts, last_error")
                    .bindList("handlers", List.copyOf(handlers)).bind("token", token).bind("expires", expires)
                    .bind("now", now).bind("limit", limit).bind("expiredError", error)
                    .map((rs, ctx) -> new Claimed(rs.getLong("id"), rs.getLong("event_id"), rs.getString("handler"),
                            rs.getString("subject"), rs.getInt("attempts"), rs.getString("last_error")))
                    .list();
        }
        // No UPDATE ... RETURNING: lock the heads, then claim exactly those, in the caller's transaction.
        List<Claimed> claimed = h.createQuery(heads + dialect.forUpdateSkipLocked())
                .bindList("handlers", List.copyOf(handlers)).bind("now", now).bind("limit", limit)
                .map((rs, ctx) -> {
                    boolean expired = rs.getString("claimed_by") != null;
                    return new Claimed(rs.getLong("id"), rs.getLong("event_id"), rs.getString("handler"),
                            rs.getString("subject"), rs.getInt("attempts") + (expired ? 1 : 0),
                            expired ? error : rs.getString("last_error"));
                })
                .list();
        if (!claimed.isEmpty()) {
            h.createUpdate("UPDATE aurora_handler_deliveries " + set + "WHERE id IN (<ids>)")
                    .bind("token", token).bind("expires", expires).bind("expiredError", error)
                    .bindList("ids", claimed.stream().map(Claimed::id).toList()).execute();
        }
        return claimed;
    }

    /**
     * Marks a claimed delivery done; false when the claim is no longer {@code token}'s (it expired and
     * another claimer took it, or an operator changed it), and then nothing changed: a transactional
     * handler's caller rolls back its work.
     */
    public boolean complete(Handle h, long id, String token, int attempts, long now) {
        return h.createUpdate("UPDATE aurora_handler_deliveries SET status = 'done', attempts = :attempts, "
                        + "finished_at = :now, claimed_by = NULL, claim_expires_at = NULL "
                        + "WHERE id = :id AND claimed_by = :token AND status = 'pending'")
                .bind("attempts", attempts).bind("now", now).bind("id", id).bind("token", token).execute() > 0;
    }

    /**
     * Marks many deliveries claimed under {@code token} done in one statement per {@value #INSERT_ROWS} ids,
     * all with {@code attempts}: the dispatcher's batched "done" marks (a call's work is not in this
     * transaction, so grouping marks changes nothing but the number of commits). Returns how many rows were
     * marked; fewer than {@code ids} when some claims were lost (see {@link #complete}), and those rows are
     * left alone.
     */
    public int completeAll(Handle h, List<Long> ids, String token, int attempts, long now) {
        int marked = 0;
        for (int from = 0; from < ids.size(); from += INSERT_ROWS) {
            marked += h.createUpdate("UPDATE aurora_handler_deliveries SET status = 'done', attempts = :attempts, "
                            + "finished_at = :now, claimed_by = NULL, claim_expires_at = NULL "
                            + "WHERE id IN (<ids>) AND claimed_by = :token AND status = 'pending'")
                    .bind("attempts", attempts).bind("now", now).bind("token", token)
                    .bindList("ids", ids.subList(from, Math.min(ids.size(), from + INSERT_ROWS))).execute();
        }
        return marked;
    }

    /** Records a failed attempt: due again at {@code dueAt}, the error visible; false when the claim was lost. */
    public boolean retryLater(Handle h, long id, String token, int attempts, String error, long dueAt) {
        return h.createUpdate("UPDATE aurora_handler_deliveries SET attempts = :attempts, last_error = :error, "
                        + "due_at = :due, claimed_by = NULL, claim_expires_at = NULL "
                        + "WHERE id = :id AND claimed_by = :token AND status = 'pending'")
                .bind("attempts", attempts).bind("error", truncate(error)).bind("due", dueAt)
                .bind("id", id).bind("token", token).execute() > 0;
    }

    /** Records the last failed attempt: the delivery is dead; false when the claim was lost. */
    public boolean bury(Handle h, long id, String token, int attempts, String error, long now) {
        return h.createUpdate("UPDATE aurora_handler_deliveries SET status = 'dead', attempts = :attempts, "
                        + "last_error = :error, finished_at = :now, claimed_by = NULL, claim_expires_at = NULL "
                        + "WHERE id = :id AND claimed_by = :token AND status = 'pending'")
                .bind("attempts", attempts).bind("error", truncate(error)).bind("now", now)
                .bind("id", id).bind("token", token).execute() > 0;
    }

    /** Gives a claim back untouched (shutting down before the call was made). */
    public void giveBack(Handle h, long id, String token) {
        h.createUpdate("UPDATE aurora_handler_deliveries SET claimed_by = NULL, claim_expires_at = NULL "
                        + "WHERE id = :id AND claimed_by = :token")
                .bind("id", id).bind("token", token).execute();
    }

    /** Up to {@code limit} dead deliveries, the most recently dead first. */
    public List<DeadLetter> deadLetters(Handle h, int limit) {
        return h.createQuery("SELECT id, event_id, handler, subject, attempts, finished_at, last_error "
                        + "FROM aurora_handler_deliveries WHERE status = 'dead' ORDER BY finished_at DESC, id DESC LIMIT :n")
                .bind("n", limit)
                .map((rs, ctx) -> new DeadLetter(rs.getLong("id"), rs.getLong("event_id"), rs.getString("handler"),
                        rs.getString("subject"), rs.getInt("attempts"), rs.getLong("finished_at"), rs.getString("last_error")))
                .list();
    }

    /**
     * Makes dead deliveries pending again, due now, with a fresh count of attempts (the last error stays
     * visible until the next attempt); returns the ids that were dead. Ids that are not dead are left alone.
     */
    public List<Long> retryDead(Handle h, Collection<Long> ids, long now) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Long> dead = h.createQuery("SELECT id FROM aurora_handler_deliveries WHERE status = 'dead' AND id IN (<ids>) "
                        + "ORDER BY id")
                .bindList("ids", List.copyOf(ids)).mapTo(Long.class).list();
        if (!dead.isEmpty()) {
            h.createUpdate("UPDATE aurora_handler_deliveries SET status = 'pending', attempts = 0, due_at = :now, "
                            + "finished_at = NULL WHERE status = 'dead' AND id IN (<ids>)")
                    .bind("now", now).bindList("ids", dead).execute();
        }
        return dead;
    }

    /** Every dead delivery's id, oldest first. */
    public List<Long> deadIds(Handle h) {
        return h.createQuery("SELECT id FROM aurora_handler_deliveries WHERE status = 'dead' ORDER BY id")
                .mapTo(Long.class).list();
    }

    /** The handlers that already had a delivery of any of these events, by event id: what a replay repeats. */
    public Map<Long, List<String>> handlersOf(Handle h, Collection<Long> eventIds) {
        Map<Long, List<String>> out = new TreeMap<>();
        if (eventIds.isEmpty()) {
            return out;
        }
        h.createQuery("SELECT DISTINCT event_id, handler FROM aurora_handler_deliveries WHERE event_id IN (<ids>) "
                        + "ORDER BY event_id, handler")
                .bindList("ids", List.copyOf(eventIds))
                .map((rs, ctx) -> out.computeIfAbsent(rs.getLong("event_id"), k -> new java.util.ArrayList<>())
                        .add(rs.getString("handler")))
                .list();
        return out;
    }

    /** Of these events, the ones with a delivery not done (pending or dead): retention keeps them. */
    public List<Long> withUnfinished(Handle h, Collection<Long> eventIds) {
        if (eventIds.isEmpty()) {
            return List.of();
        }
        return h.createQuery("SELECT DISTINCT event_id FROM aurora_handler_deliveries WHERE event_id IN (<ids>) "
                        + "AND status <> 'done' ORDER BY event_id")
                .bindList("ids", List.copyOf(eventIds)).mapTo(Long.class).list();
    }

    /**
     * Deletes the done deliveries of these events, by id; returns how many. Retention calls it for events it
     * deletes, which {@link #withUnfinished} found to have no other deliveries, in the same transaction.
     */
    public int deleteDoneOf(Handle h, Collection<Long> eventIds) {
        if (eventIds.isEmpty()) {
            return 0;
        }
        List<Long> ids = h.createQuery("SELECT id FROM aurora_handler_deliveries WHERE event_id IN (<events>) "
                        + "AND status = 'done' ORDER BY id")
                .bindList("events", List.copyOf(eventIds)).mapTo(Long.class).list();
        if (ids.isEmpty()) {
            return 0;
        }
        return h.createUpdate("DELETE FROM aurora_handler_deliveries WHERE id IN (<ids>) AND status = 'done'")
                .bindList("ids", ids).execute();
    }

    /**
     * Deletes up to {@code limit} done deliveries finished before {@code before}; returns how many. Bounded,
     * so a prune never holds locks for long; callers repeat until it returns less than {@code limit}.
     */
    public int pruneDone(Handle h, long before, int limit) {
        List<Long> ids = h.createQuery("SELECT id FROM aurora_handler_deliveries WHERE status = 'done' "
                        + "AND finished_at < :before ORDER BY id LIMIT :n")
                .bind("before", before).bind("n", limit).mapTo(Long.class).list();
        if (ids.isEmpty()) {
            return 0;
        }
        return h.createUpdate("DELETE FROM aurora_handler_deliveries WHERE id IN (<ids>)").bindList("ids", ids).execute();
    }

    /** A delivery that failed and waits for its next attempt, as the console lists it. */
    public record Retrying(long id, long eventId, String handler, String subject, int attempts, long dueAt,
                           String lastError) {
    }

    /**
     * Per handler: pending, retrying and dead rows ({@code done} left at 0). Unlike {@link #counts} it reads
     * only the unfinished rows, through the {@code (status, due_at)} index, so its cost does not grow with
     * the done rows retention keeps: what the console polls.
     */
    public List<HandlerCounts> unfinishedCounts(Handle h) {
        return h.createQuery("SELECT handler, "
                        + "COALESCE(SUM(CASE WHEN status = 'pending' AND attempts = 0 THEN 1 ELSE 0 END), 0) AS pending, "
                        + "COALESCE(SUM(CASE WHEN status = 'pending' AND attempts > 0 THEN 1 ELSE 0 END), 0) AS retrying, "
                        + "COALESCE(SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END), 0) AS dead "
                        + "FROM aurora_handler_deliveries WHERE status IN ('pending', 'dead') GROUP BY handler ORDER BY handler")
                .map((rs, ctx) -> new HandlerCounts(rs.getString("handler"), rs.getLong("pending"), rs.getLong("retrying"),
                        rs.getLong("dead"), 0))
                .list();
    }

    /** Up to {@code limit} deliveries waiting for a retry, the soonest due first. */
    public List<Retrying> retrying(Handle h, int limit) {
        return h.createQuery("SELECT id, event_id, handler, subject, attempts, due_at, last_error "
                        + "FROM aurora_handler_deliveries WHERE status = 'pending' AND attempts > 0 ORDER BY due_at, id LIMIT :n")
                .bind("n", limit)
                .map((rs, ctx) -> new Retrying(rs.getLong("id"), rs.getLong("event_id"), rs.getString("handler"),
                        rs.getString("subject"), rs.getInt("attempts"), rs.getLong("due_at"), rs.getString("last_error")))
                .list();
    }

    /** Counts per handler, by name. */
    public List<HandlerCounts> counts(Handle h) {
        return h.createQuery("SELECT handler, "
                        + "COALESCE(SUM(CASE WHEN status = 'pending' AND attempts = 0 THEN 1 ELSE 0 END), 0) AS pending, "
                        + "COALESCE(SUM(CASE WHEN status = 'pending' AND attempts > 0 THEN 1 ELSE 0 END), 0) AS retrying, "
                        + "COALESCE(SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END), 0) AS dead, "
                        + "COALESCE(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0) AS done "
                        + "FROM aurora_handler_deliveries GROUP BY handler ORDER BY handler")
                .map((rs, ctx) -> new HandlerCounts(rs.getString("handler"), rs.getLong("pending"), rs.getLong("retrying"),
                        rs.getLong("dead"), rs.getLong("done")))
                .list();
    }

    /** The status of one delivery, or {@code null} when there is no such row (for tests and the CLI). */
    public String statusOf(Handle h, long id) {
        return h.createQuery("SELECT status FROM aurora_handler_deliveries WHERE id = :id")
                .bind("id", id).mapTo(String.class).findOne().orElse(null);
    }

    private static String truncate(String error) {
        return error == null || error.length() <= ERROR_LENGTH ? error : error.substring(0, ERROR_LENGTH - 1) + "…";
    }
}
