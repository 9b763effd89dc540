package org.aurorawebhooks.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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

    /**
     * Whether the row {@code d} is the head of its handler's subject: no pending row of the same handler and
     * subject before it. A NOT EXISTS test rather than a comparison with the subject's MIN(id): a planner takes
     * an equality with a subquery's result for one that few rows pass, so with a backlog it expected fewer heads
     * than the claim's limit and read and sorted every due row on each claim (0.35 to 0.9 s per claim with about
     * 60,000 rows pending, PostgreSQL 15, statistics fresh); a NOT EXISTS is taken to pass about half, and the
     * claim reads the due rows in order and stops at its limit. Inside the OR it stays one probe of the subject
     * index per candidate (PostgreSQL turns no OR'ed subquery into a join).
     */
    private static final String HEAD = "(d.subject IS NULL OR NOT EXISTS (SELECT 1 FROM aurora_handler_deliveries p "
            + "WHERE p.subject = d.subject AND p.handler = d.handler AND p.status = 'pending' AND p.id < d.id))";

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

    /**
     * {@link #enqueue} as a companion of the event writer's one statement (PostgreSQL, see
     * {@link EventLog#insertFromArraysSql}): the calls arrive as arrays, each naming its event by its position
     * in the batch, and take the event's id from {@code rows (n, id)}. Rows get ids in array order, which the
     * writer makes the batch's order: the order one subject's calls reach a handler. Parameters: due_at and
     * created_at, then the arrays bound by {@link #bindEnqueueArrays}.
     */
    static String enqueueFromArraysSql(String rows) {
        return "INSERT INTO aurora_handler_deliveries (event_id, handler, subject, status, attempts, due_at, created_at) "
                + "SELECT r.id, c.handler, c.subject, 'pending', 0, ?, ? FROM unnest(CAST(? AS INT[]), CAST(? AS TEXT[]), "
                + "CAST(? AS TEXT[])) WITH ORDINALITY AS c(position, handler, subject, k) JOIN " + rows
                + " r ON r.n = c.position ORDER BY c.k";
    }

    /**
     * Binds {@link #enqueueFromArraysSql}'s parameters from {@code first} on: each call's event as its position
     * in the batch (from 1); returns the next index.
     */
    static int bindEnqueueArrays(PreparedStatement st, int first, List<Integer> positions, List<String> handlers,
                                 List<String> subjects, long now) throws SQLException {
        Connection c = st.getConnection();
        int i = first;
        st.setLong(i++, now);
        st.setLong(i++, now);
        st.setArray(i++, c.createArrayOf("int4", positions.toArray()));
        st.setArray(i++, c.createArrayOf("text", handlers.toArray()));
        st.setArray(i++, c.createArrayOf("text", subjects.toArray()));
        return i;
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
                + "AND " + HEAD + " ORDER BY d.due_at, d.id LIMIT :limit";
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
            h.createUpdate("UPDATE aurora_handler_deliveries" + dialect.byKeyOnly() + " " + set + "WHERE id IN (<ids>)")
                    .bind("token", token).bind("expires", expires).bind("expiredError", error)
                    .bindList("ids", claimed.stream().map(Claimed::id).toList()).execute();
        }
        return claimed;
    }

    /** A "done" mark to write: the delivery, the claim it was called under, the attempt it was. */
    public record Mark(long id, String token, int attempts) {
    }

    /**
     * What one {@link #markAndClaim} did: how many of its marks it wrote (fewer than asked when claims were
     * lost meanwhile; those rows are left alone), the deliveries it claimed, and their events by id (an event
     * pruned meanwhile is missing).
     */
    public record Cycle(int marked, List<Claimed> claimed, Map<Long, EventLog.RecordedEvent> events) {
    }

    /**
     * Whether {@link #markAndClaim} needs its caller's transaction. Where it does not, it is one statement,
     * best run in autocommit mode: one round trip, commit included.
     */
    public boolean markAndClaimNeedsTransaction() {
        return !dialect.bindsArrays();
    }

    /**
     * One cycle of a dispatcher: writes the "done" marks of the calls that finished (as {@link #completeAll}),
     * claims up to {@code limit} due heads (as {@link #claim}), and reads their events. On PostgreSQL it is one
     * statement, so that a cycle costs the server one parse, plan and commit instead of five statements and a
     * transaction; a subject whose head is marked in the cycle gets its next head claimed by the next cycle.
     * Elsewhere, the same as those three in the caller's transaction ({@link #markAndClaimNeedsTransaction}).
     */
    public Cycle markAndClaim(Handle h, List<Mark> marks, Collection<String> handlers, String token, long now, long expires,
                              int limit, String expiredError) {
        if (!dialect.bindsArrays()) {
            int marked = 0;
            Map<String, Map<Integer, List<Long>>> groups = new java.util.LinkedHashMap<>();
            for (Mark m : marks) {
                groups.computeIfAbsent(m.token(), k -> new TreeMap<>()).computeIfAbsent(m.attempts(), k -> new ArrayList<>())
                        .add(m.id());
            }
            for (Map.Entry<String, Map<Integer, List<Long>>> claim : groups.entrySet()) {
                for (Map.Entry<Integer, List<Long>> same : claim.getValue().entrySet()) {
                    marked += completeAll(h, same.getValue(), claim.getKey(), same.getKey(), now);
                }
            }
            List<Claimed> claimed = claim(h, handlers, token, now, expires, limit, expiredError);
            Map<Long, EventLog.RecordedEvent> events = new HashMap<>();
            for (EventLog.RecordedEvent e : EventLog.byIds(h, dialect, claimed.stream().map(Claimed::eventId).distinct().toList())) {
                events.put(e.id(), e);
            }
            return new Cycle(marked, claimed, events);
        }
        if (handlers.isEmpty() || limit <= 0) {
            limit = 0;
        }
        try {
            PreparedStatement st = h.getConnection().prepareStatement(MARK_AND_CLAIM_SQL);
            try (st) {
                java.sql.Connection c = h.getConnection();
                int i = 1;
                st.setLong(i++, now);
                st.setArray(i++, c.createArrayOf("int8", marks.stream().map(Mark::id).toArray()));
                st.setArray(i++, c.createArrayOf("text", marks.stream().map(Mark::token).toArray()));
                st.setArray(i++, c.createArrayOf("int4", marks.stream().map(Mark::attempts).toArray()));
                st.setLong(i++, now);
                st.setArray(i++, c.createArrayOf("text", handlers.toArray()));
                st.setLong(i++, now);
                st.setArray(i++, c.createArrayOf("int8", marks.stream().map(Mark::id).toArray()));
                st.setInt(i++, limit);
                st.setString(i++, truncate(expiredError));
                st.setString(i++, token);
                st.setLong(i, expires);
                int marked = 0;
                List<Claimed> claimed = new ArrayList<>();
                Map<Long, EventLog.RecordedEvent> events = new HashMap<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        marked = rs.getInt("marked");
                        long id = rs.getLong("d_id");
                        if (rs.wasNull()) {
                            continue; // no claim: the one row only carries the marks' count
                        }
                        Claimed one = new Claimed(id, rs.getLong("d_event_id"), rs.getString("d_handler"),
                                rs.getString("d_subject"), rs.getInt("d_attempts"), rs.getString("d_last_error"));
                        claimed.add(one);
                        EventLog.RecordedEvent event = EventLog.joinedEvent(dialect, rs);
                        if (event != null) {
                            events.put(event.id(), event);
                        }
                    }
                }
                return new Cycle(marked, claimed, events);
            }
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    /**
     * {@link #markAndClaim} on PostgreSQL. The marks' ids are left out of the heads (a mark and a claim of one
     * row in one statement would leave one of them undone), and the marks do not make a subject's next row a
     * head within the statement (it sees the rows as they were when it began).
     */
    private static final String MARK_AND_CLAIM_SQL = "WITH marks AS (UPDATE aurora_handler_deliveries m SET status = 'done', "
            + "attempts = k.attempts, finished_at = ?, claimed_by = NULL, claim_expires_at = NULL "
            + "FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS INT[])) AS k(id, token, attempts) "
            + "WHERE m.id = k.id AND m.claimed_by = k.token AND m.status = 'pending' RETURNING m.id), "
            + "heads AS (SELECT d.id FROM aurora_handler_deliveries d WHERE d.status = 'pending' AND d.due_at <= ? "
            + "AND d.handler = ANY (CAST(? AS TEXT[])) AND (d.claimed_by IS NULL OR d.claim_expires_at < ?) "
            + "AND d.id <> ALL (CAST(? AS BIGINT[])) AND " + HEAD + " ORDER BY d.due_at, d.id LIMIT ? FOR UPDATE SKIP LOCKED), "
            + "claimed AS (UPDATE aurora_handler_deliveries c SET "
            + "attempts = CASE WHEN c.claimed_by IS NULL THEN c.attempts ELSE c.attempts + 1 END, "
            + "last_error = CASE WHEN c.claimed_by IS NULL THEN c.last_error ELSE ? END, claimed_by = ?, claim_expires_at = ? "
            + "FROM heads WHERE c.id = heads.id RETURNING c.id, c.event_id, c.handler, c.subject, c.attempts, c.last_error) "
            + "SELECT (SELECT COUNT(*) FROM marks) AS marked, c.id AS d_id, c.event_id AS d_event_id, c.handler AS d_handler, "
            + "c.subject AS d_subject, c.attempts AS d_attempts, c.last_error AS d_last_error, " + EventLog.JOINED_EVENT_COLUMNS
            + " FROM (SELECT 1) AS one LEFT JOIN (claimed c " + EventLog.joinEventSql("c.event_id") + ") ON TRUE ORDER BY c.id";

    /**
     * Makes the table's planner statistics current where the server left them stale (PostgreSQL): when more rows
     * changed since its last ANALYZE than would make autovacuum analyse it (50 plus a tenth of its rows, the
     * server's defaults), and no ANALYZE ran in the last minute. With autovacuum on, as it is by default, this
     * finds nothing to do; with it off, or before its first round on a new table, the claim's plan rests on
     * statistics of a table that was empty or far smaller, and reads every pending row (73 calls/s under load,
     * against thousands, on PostgreSQL 15 with autovacuum off). Skips the table while another ANALYZE or VACUUM
     * holds it. Returns whether it analysed.
     */
    public boolean analyzeIfStale(Handle h) {
        if (!dialect.bindsArrays()) {
            return false; // MariaDB/MySQL recalculate their statistics themselves; SQLite plans without
        }
        boolean stale = h.createQuery("SELECT n_mod_since_analyze > 50 + 0.1 * n_live_tup "
                        + "AND COALESCE(GREATEST(last_analyze, last_autoanalyze), 'epoch') < now() - interval '1 minute' "
                        + "FROM pg_stat_user_tables WHERE relid = CAST('aurora_handler_deliveries' AS regclass)")
                .mapTo(Boolean.class).findOne().orElse(false);
        if (stale) {
            h.execute("ANALYZE (SKIP_LOCKED) aurora_handler_deliveries");
        }
        return stale;
    }

    /** {@link #markAndClaim}'s statement on PostgreSQL, for a test of its plan. */
    static String markAndClaimSql() {
        return MARK_AND_CLAIM_SQL;
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
            marked += h.createUpdate("UPDATE aurora_handler_deliveries" + dialect.byKeyOnly()
                            + " SET status = 'done', attempts = :attempts, "
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
