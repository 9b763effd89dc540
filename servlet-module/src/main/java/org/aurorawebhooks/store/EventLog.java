package org.aurorawebhooks.store;

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

/**
 * All SQL on {@code aurora_webhook_events}. Its public methods are the reads: what a page, a console, a
 * command or a reconcile pass needs of the recorded deliveries, without SQL of its own. The statements
 * {@link EventWriter} runs on its own connections (a multi-row INSERT, the repeat lookup, the repeat
 * UPDATE) are built here too, with the column order they bind in; the writer keeps the batching.
 * Thread-safe (stateless apart from the database).
 */
public final class EventLog {
    /** The catalogue's lead events: the deliveries that make a lead "recently touched". */
    private static final List<String> LEAD_EVENTS = EventCatalog.aurora().events().stream()
            .filter(EventType::isLeadEvent).map(EventType::name).toList();
    /** Every catalogue event: the console's counts name them so the type-and-time index is used. */
    private static final List<String> ALL_EVENTS = EventCatalog.aurora().names().stream().toList();
    /** The columns a delivery is inserted with, in the order {@link #bindRow} binds them. */
    private static final List<String> COLUMNS = columns();
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
     * Per fingerprint, the first delivery received at or after a time. Parameters: the {@code fingerprints}
     * distinct fingerprints, then the earliest {@code received_at}; columns: fingerprint, MIN(id).
     */
    static String earliestByFingerprintSql(int fingerprints) {
        return "SELECT fingerprint, MIN(id) FROM aurora_webhook_events WHERE fingerprint IN ("
                + String.join(", ", Collections.nCopies(fingerprints, "?")) + ") AND received_at >= ? GROUP BY fingerprint";
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

    /** The recorded deliveries with these ids, in id order; ids with no row (pruned) are left out. */
    public List<RecordedEvent> byIds(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM aurora_webhook_events WHERE id IN (<ids>) ORDER BY id")
                .bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> recorded(rs)).list());
    }

    private RecordedEvent recorded(java.sql.ResultSet rs) throws SQLException {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Attribute a : Attribute.values()) {
            String v = rs.getString(a.parameter());
            if (v != null) {
                attributes.put(a.parameter(), v);
            }
        }
        long repeatOf = rs.getLong("repeat_of");
        return new RecordedEvent(rs.getLong("id"), rs.getString("event_type"),
                database.dialect().readTimestamp(rs, "received_at"), Collections.unmodifiableMap(attributes),
                rs.getString("undocumented_values"), rs.wasNull() ? null : repeatOf, rs.getString("query_string"));
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
