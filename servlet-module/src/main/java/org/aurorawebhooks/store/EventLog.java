package org.aurorawebhooks.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.jdbi.v3.core.Handle;

/**
 * All SQL on {@code aurora_webhook_events}. Its public methods are the reads: what a page, a console, a
 * command or a reconcile pass needs of the recorded deliveries, without SQL of its own. The statements
 * {@link EventWriter} runs on its own connections (a multi-row INSERT, the repeat lookup, the repeat
 * UPDATE) are built here too, with the column order they bind in; the writer keeps the batching.
 * Thread-safe (stateless apart from the database).
 */
public final class EventLog {
    /** The table, for a command that checks it is there before reading it. */
    public static final String TABLE = "aurora_webhook_events";
    /** The catalogue's lead events: the deliveries that make a lead "recently touched". */
    private static final List<String> LEAD_EVENTS = EventCatalog.aurora().events().stream()
            .filter(EventType::isLeadEvent).map(EventType::name).toList();
    /** Every catalogue event: the console's counts name them so the type-and-time index is used. */
    private static final List<String> ALL_EVENTS = EventCatalog.aurora().names().stream().toList();
    /** The columns a delivery is inserted with, in the order {@link #bindRow} binds them. */
    private static final List<String> COLUMNS = columns();
    /** Every attribute column, for reads that compute a subject. */
    private static final String ATTRIBUTE_COLUMNS = String.join(", ",
            java.util.Arrays.stream(Attribute.values()).map(Attribute::parameter).toList());
    private static final String ROW_MARKS = "(" + String.join(", ", Collections.nCopies(COLUMNS.size(), "?")) + ")";
    /** Sets {@code repeat_of} (1) of the row {@code id} (2). */
    static final String SET_REPEAT_OF_SQL = "UPDATE aurora_webhook_events SET repeat_of = ? WHERE id = ?";

    /**
     * One recorded delivery.
     *
     * @param attributes the attributes it carried, by parameter name, in the catalogue's order
     * @param undocumentedValues comma-separated attributes whose value Aurora does not document; null when none
     * @param repeatOf the id of the earlier identical delivery it repeats; null for a first delivery
     * @param queryString the query as received, credential-bearing parameters redacted (as stored)
     */
    public record RecordedEvent(long id, String eventType, Instant receivedAt, Map<String, String> attributes,
                                String undocumentedValues, Long repeatOf, String queryString) {
    }

    /**
     * A recorded event as a replay needs it: its id, type and subject, the subject computed as the writer
     * computes it ({@link EventType#subjectAttribute()}); {@code null} when the event has none.
     */
    public record EventRef(long id, String eventType, String subject) {
    }

    private final Database database;

    private static List<String> columns() {
        List<String> columns = new ArrayList<>(List.of("event_type", "received_at"));
        for (Attribute a : Attribute.values()) {
            columns.add(a.parameter());
        }
        columns.addAll(List.of("query_string", "undocumented_values", "fingerprint", "repeat_of"));
        return List.copyOf(columns);
    }

    /** An INSERT of {@code rows} deliveries, each bound by {@link #bindRow}. */
    static String insertSql(int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO aurora_webhook_events (").append(String.join(", ", COLUMNS))
                .append(") VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append(ROW_MARKS);
        }
        return sql.toString();
    }

    /**
     * Per fingerprint, the first delivery received at or after a time (the earliest {@code received_at}, then
     * the lowest id): the first index entry of its range, whatever the number of identical deliveries in the
     * window. {@code MIN(id)} over the range read every entry: a sender repeating one delivery a thousand times a
     * second made each lookup read up to 300,000 entries by the end of a five-minute window. Parameters: the
     * earliest {@code received_at}, then the {@code fingerprints} distinct fingerprints; columns: fingerprint,
     * the id (NULL when none).
     */
    static String earliestByFingerprintSql(int fingerprints) {
        return "SELECT f.fingerprint, (" + firstInWindowSql("f.fingerprint") + ") FROM ("
                + String.join(" UNION ALL ", Collections.nCopies(fingerprints, "SELECT ? AS fingerprint")) + ") f";
    }

    /**
     * The id of the first delivery with the fingerprint {@code fingerprint} (an SQL expression) received at or
     * after the one parameter's time: one index entry of {@code (fingerprint, received_at, id)}.
     */
    static String firstInWindowSql(String fingerprint) {
        return "SELECT earlier.id FROM aurora_webhook_events earlier WHERE earlier.fingerprint = " + fingerprint
                + " AND earlier.received_at >= ? ORDER BY earlier.received_at, earlier.id LIMIT 1";
    }

    /**
     * The whole of a batch as one statement whose text does not depend on the batch's size (PostgreSQL, see
     * {@link Dialect#bindsArrays()}): each column arrives as one array, so the server parses and plans it once
     * per connection instead of once per batch size, and one round trip, commit included in autocommit
     * mode, stores the batch. The ids are drawn from the table's sequence before the insert so that a
     * delivery repeating another of the same batch can name it: with {@code detectRepeats}, a row's
     * {@code repeat_of} is the first identical delivery stored earlier and received at or after the window's
     * start (as {@link #earliestByFingerprintSql} finds it), else the first of the batch's own.
     *
     * <p>Parameters: one array per column bound by {@link #bindArrays}, then (with {@code detectRepeats})
     * the window's start, then those of each of {@code alongside}, data-modifying statements run in the same
     * transaction (the lead sync's upsert, the handler deliveries' insert), which may read the batch's rows
     * as {@value #STORED_ROWS}{@code (n, id)}: each delivery's position in the batch (from 1) and its id.
     * Columns: the delivery's position, its id, its {@code repeat_of}.
     */
    static String insertFromArraysSql(boolean detectRepeats, List<String> alongside) {
        List<String> columns = COLUMNS.subList(0, COLUMNS.size() - 1); // all but repeat_of, which is computed here
        // The sequence is looked up once per statement (an uncorrelated subquery), not once per row: per row,
        // the lookup and its cast to regclass took about a twentieth of the server's time for a batch.
        StringBuilder sql = new StringBuilder("WITH batch AS (SELECT t.*, nextval((SELECT CAST(pg_get_serial_sequence("
                + "'aurora_webhook_events', 'id') AS REGCLASS))) AS id FROM unnest(");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("CAST(? AS ").append(arrayType(columns.get(i))).append(')');
        }
        sql.append(") WITH ORDINALITY AS t(").append(String.join(", ", columns)).append(", n)), ");
        if (detectRepeats) {
            // A lookup per row, not a join: the server keeps the plan it made for the first batches, when the
            // table may have been empty, and a join planned then scans the whole table ever after.
            sql.append("stored AS (SELECT b.*, COALESCE(e.id, NULLIF(MIN(b.id) OVER (PARTITION BY b.fingerprint), b.id)) AS repeat_of ")
                    .append("FROM batch b LEFT JOIN LATERAL (").append(firstInWindowSql("b.fingerprint")).append(") e ON TRUE), ");
        } else {
            sql.append("stored AS (SELECT b.*, CAST(NULL AS BIGINT) AS repeat_of FROM batch b), ");
        }
        sql.append("inserted AS (INSERT INTO aurora_webhook_events (id, ").append(String.join(", ", COLUMNS))
                .append(") SELECT id, ").append(String.join(", ", COLUMNS)).append(" FROM stored ORDER BY n)");
        for (int i = 0; i < alongside.size(); i++) {
            sql.append(", alongside").append(i + 1).append(" AS (").append(alongside.get(i)).append(')');
        }
        return sql.append(" SELECT n, id, repeat_of FROM stored").toString();
    }

    /** The name under which {@link #insertFromArraysSql}'s companion statements read the batch's rows. */
    static final String STORED_ROWS = "stored";

    /** The PostgreSQL array type a column's values are bound as in {@link #insertFromArraysSql}. */
    private static String arrayType(String column) {
        return switch (column) {
            case "received_at" -> "TIMESTAMPTZ[]";
            // CHAR like the column: compared as TEXT, the fingerprint would not use the repeat index
            case "fingerprint" -> "CHAR(32)[]";
            default -> "TEXT[]";
        };
    }

    /**
     * Binds a batch's columns as arrays, from parameter {@code first} on, in the order of
     * {@link #insertFromArraysSql}; returns the next parameter index.
     */
    static int bindArrays(PreparedStatement st, int first, List<Delivery> batch) throws SQLException {
        Connection c = st.getConnection();
        int n = batch.size();
        int i = first;
        String[] values = new String[n];
        for (int r = 0; r < n; r++) {
            values[r] = batch.get(r).eventType();
        }
        st.setArray(i++, c.createArrayOf("text", values));
        values = new String[n];
        for (int r = 0; r < n; r++) {
            values[r] = batch.get(r).receivedAt().toString(); // ISO-8601 in UTC: no session time zone applies
        }
        st.setArray(i++, c.createArrayOf("timestamptz", values));
        for (Attribute a : Attribute.values()) {
            values = new String[n];
            for (int r = 0; r < n; r++) {
                values[r] = batch.get(r).value(a);
            }
            st.setArray(i++, c.createArrayOf("text", values));
        }
        values = new String[n];
        for (int r = 0; r < n; r++) {
            values[r] = batch.get(r).queryString();
        }
        st.setArray(i++, c.createArrayOf("text", values));
        values = new String[n];
        for (int r = 0; r < n; r++) {
            values[r] = batch.get(r).undocumented();
        }
        st.setArray(i++, c.createArrayOf("text", values));
        values = new String[n];
        for (int r = 0; r < n; r++) {
            values[r] = batch.get(r).fingerprint();
        }
        st.setArray(i++, c.createArrayOf("bpchar", values));
        return i;
    }

    /** Binds one delivery's columns from parameter {@code first} on; returns the next parameter index. */
    static int bindRow(PreparedStatement st, int first, Dialect dialect, Delivery d, Long repeatOf) throws SQLException {
        int i = first;
        st.setString(i++, d.eventType());
        st.setObject(i++, dialect.timestamp(d.receivedAt()));
        for (Attribute a : Attribute.values()) {
            st.setString(i++, d.value(a));
        }
        st.setString(i++, d.queryString());
        st.setString(i++, d.undocumented());
        st.setString(i++, d.fingerprint());
        if (repeatOf == null) {
            st.setNull(i++, Types.BIGINT);
        } else {
            st.setLong(i++, repeatOf);
        }
        return i;
    }

    public EventLog(Database database) {
        this.database = Objects.requireNonNull(database, "database == null");
    }

    /** The {@code limit} most recent deliveries, newest first. */
    public List<RecordedEvent> latest(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit + " is not positive");
        }
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM aurora_webhook_events ORDER BY id DESC LIMIT :n")
                .bind("n", limit)
                .map((rs, ctx) -> recorded(rs)).list());
    }

    /**
     * The {@code limit} most recent deliveries received at or after {@code from}, of the given event types
     * (all when empty), in id order: newest last, as a console prints them. With types the
     * {@code (event_type, received_at)} index serves it; without, no index has {@code received_at} first,
     * and the database scans the table (PostgreSQL: about 150 ms on a million narrow rows), which a
     * command run by hand can afford and a page polled every few seconds could not.
     */
    public List<RecordedEvent> newestSince(Instant from, java.util.Collection<String> types, int limit) {
        requirePositive(limit);
        List<RecordedEvent> newestFirst = database.jdbi().withHandle(h -> {
            var q = h.createQuery("SELECT * FROM aurora_webhook_events WHERE received_at >= :from"
                            + (types.isEmpty() ? "" : " AND event_type IN (<types>)") + " ORDER BY id DESC LIMIT :n")
                    .bind("from", database.dialect().timestamp(from)).bind("n", limit);
            if (!types.isEmpty()) {
                q.bindList("types", List.copyOf(types));
            }
            return q.map((rs, ctx) -> recorded(rs)).list();
        });
        List<RecordedEvent> out = new ArrayList<>(newestFirst);
        Collections.reverse(out);
        return out;
    }

    /**
     * The first {@code limit} deliveries with an id above {@code afterId}, of the given event types (all
     * when empty), in id order: the next page for a console that follows the table.
     */
    public List<RecordedEvent> after(long afterId, java.util.Collection<String> types, int limit) {
        requirePositive(limit);
        return database.jdbi().withHandle(h -> {
            var q = h.createQuery("SELECT * FROM aurora_webhook_events WHERE id > :after"
                            + (types.isEmpty() ? "" : " AND event_type IN (<types>)") + " ORDER BY id LIMIT :n")
                    .bind("after", afterId).bind("n", limit);
            if (!types.isEmpty()) {
                q.bindList("types", List.copyOf(types));
            }
            return q.map((rs, ctx) -> recorded(rs)).list();
        });
    }

    private static void requirePositive(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit + " is not positive");
        }
    }

    /** The recorded deliveries with these ids, in id order; ids with no row (pruned) are left out. */
    public List<RecordedEvent> byIds(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return database.jdbi().withHandle(h -> byIds(h, ids));
    }

    /** The events with these ids, on the caller's handle (the dispatcher reads them in its claim's transaction). */
    public List<RecordedEvent> byIds(Handle h, java.util.Collection<Long> ids) {
        return byIds(h, database.dialect(), ids);
    }

    static List<RecordedEvent> byIds(Handle h, Dialect dialect, java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return h.createQuery("SELECT * FROM aurora_webhook_events WHERE id IN (<ids>) ORDER BY id")
                .bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> recorded(dialect, rs)).list();
    }

    /**
     * For a statement of another table's owner that reads each of its rows' event alongside ({@link
     * HandlerDeliveries#markAndClaim}): the join that adds the columns of the event whose id is
     * {@code eventIdColumn}, all under their own names (the statement's other columns must not use them).
     * Read them with {@link #joinedEvent}.
     */
    static String joinEventSql(String eventIdColumn) {
        return "LEFT JOIN aurora_webhook_events e ON e.id = " + eventIdColumn;
    }

    /** The select list of {@link #joinEventSql}'s columns. */
    static final String JOINED_EVENT_COLUMNS = "e.*";

    /** The event of a row read with {@link #joinEventSql}; null when there is none (pruned). */
    static RecordedEvent joinedEvent(Dialect dialect, java.sql.ResultSet rs) throws SQLException {
        rs.getLong("id");
        return rs.wasNull() ? null : recorded(dialect, rs);
    }

    private RecordedEvent recorded(java.sql.ResultSet rs) throws SQLException {
        return recorded(database.dialect(), rs);
    }

    private static RecordedEvent recorded(Dialect dialect, java.sql.ResultSet rs) throws SQLException {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Attribute a : Attribute.values()) {
            String v = rs.getString(a.parameter());
            if (v != null) {
                attributes.put(a.parameter(), v);
            }
        }
        // wasNull() speaks of the column read last: ask it right after repeat_of, not after the others.
        long repeatOfValue = rs.getLong("repeat_of");
        Long repeatOf = rs.wasNull() ? null : repeatOfValue;
        return new RecordedEvent(rs.getLong("id"), rs.getString("event_type"),
                dialect.readTimestamp(rs, "received_at"), Collections.unmodifiableMap(attributes),
                rs.getString("undocumented_values"), repeatOf, rs.getString("query_string"));
    }

    /**
     * The leads named by lead events (the catalogue's {@code lead_*} events) received at or after
     * {@code from}, each once: what a reconcile pass calls "recently touched".
     */
    public List<String> leadsNamedSince(Instant from) {
        Dialect d = database.dialect();
        return database.jdbi().withHandle(h -> h.createQuery("SELECT DISTINCT lead_id FROM aurora_webhook_events "
                        + "WHERE lead_id IS NOT NULL AND event_type IN (<events>) AND received_at >= :from")
                .bindList("events", LEAD_EVENTS).bind("from", d.timestamp(from)).mapTo(String.class).list());
    }

    /**
     * Up to {@code limit} events received in [{@code from}, {@code to}) with an id above {@code afterId}, in
     * id order: a replay pages through a range of any size with the last id of each page.
     *
     * @param types event types to keep; empty for every type
     */
    public List<EventRef> receivedBetween(Instant from, Instant to, java.util.Collection<String> types, long afterId,
                                          int limit) {
        Dialect d = database.dialect();
        String sql = "SELECT id, event_type, " + ATTRIBUTE_COLUMNS + " FROM aurora_webhook_events WHERE id > :after "
                + "AND received_at >= :from AND received_at < :to" + (types.isEmpty() ? "" : " AND event_type IN (<types>)")
                + " ORDER BY id LIMIT :n";
        return database.jdbi().withHandle(h -> {
            var query = h.createQuery(sql).bind("after", afterId).bind("from", d.timestamp(from)).bind("to", d.timestamp(to))
                    .bind("n", limit);
            if (!types.isEmpty()) {
                query.bindList("types", List.copyOf(types));
            }
            return query.map((rs, ctx) -> {
                String type = rs.getString("event_type");
                java.util.Optional<Attribute> by = EventCatalog.aurora().find(type).flatMap(EventType::subjectAttribute);
                String subject = by.isPresent() ? rs.getString(by.get().parameter()) : null;
                return new EventRef(rs.getLong("id"), type, subject);
            }).list();
        });
    }

    /**
     * Up to {@code limit} ids of events received before {@code cutoff} with an id above {@code afterId}, in id
     * order, on the caller's handle: retention's candidates, one bounded batch at a time.
     */
    public List<Long> idsReceivedBefore(Handle h, Instant cutoff, long afterId, int limit) {
        return h.createQuery("SELECT id FROM aurora_webhook_events WHERE id > :after AND received_at < :cutoff "
                        + "ORDER BY id LIMIT :n")
                .bind("after", afterId).bind("cutoff", database.dialect().timestamp(cutoff)).bind("n", limit)
                .mapTo(Long.class).list();
    }

    /** Deletes the events with these ids, on the caller's handle; returns how many were there to delete. */
    public int delete(Handle h, java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return h.createUpdate("DELETE FROM aurora_webhook_events WHERE id IN (<ids>)").bindList("ids", List.copyOf(ids))
                .execute();
    }

    /**
     * How many deliveries of each event type were received at or after {@code from}, by event name (sorted;
     * types without one are left out). Naming every catalogue event lets each database read the
     * {@code (event_type, received_at)} index as one range per event, so the cost follows the rows in the
     * window, not the table: what the console polls every few seconds.
     */
    public Map<String, Long> countsByTypeSince(Instant from) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        database.jdbi().useHandle(h -> h.createQuery("SELECT event_type, COUNT(*) AS n FROM aurora_webhook_events "
                        + "WHERE event_type IN (<events>) AND received_at >= :from GROUP BY event_type")
                .bindList("events", ALL_EVENTS).bind("from", database.dialect().timestamp(from))
                .map((rs, ctx) -> counts.put(rs.getString("event_type"), rs.getLong("n"))).list());
        return counts;
    }

    /**
     * Deliveries per event type and minute received at or after {@code from}, from the same index ranges as
     * {@link #countsByTypeSince}: by event name (sorted), then by minute since the epoch (UTC).
     */
    public Map<String, Map<Long, Long>> countsByTypeAndMinuteSince(Instant from) {
        Map<String, Map<Long, Long>> counts = new java.util.TreeMap<>();
        String minute = database.dialect().epochMinute("received_at");
        database.jdbi().useHandle(h -> h.createQuery("SELECT event_type, " + minute + " AS minute, COUNT(*) AS n "
                        + "FROM aurora_webhook_events WHERE event_type IN (<events>) AND received_at >= :from "
                        + "GROUP BY event_type, " + minute)
                .bindList("events", ALL_EVENTS).bind("from", database.dialect().timestamp(from))
                .map((rs, ctx) -> counts.computeIfAbsent(rs.getString("event_type"), k -> new java.util.TreeMap<>())
                        .put(rs.getLong("minute"), rs.getLong("n")))
                .list());
        return counts;
    }

    /** How many deliveries of each event type are recorded, by event name (sorted). */
    public Map<String, Long> countsByType() {
        Map<String, Long> counts = new LinkedHashMap<>();
        database.jdbi().useHandle(h -> h.createQuery(
                        "SELECT event_type, COUNT(*) AS n FROM aurora_webhook_events GROUP BY event_type ORDER BY event_type")
                .map((rs, ctx) -> counts.put(rs.getString("event_type"), rs.getLong("n"))).list());
        return counts;
    }
}
