package org.aurorawebhooks.store;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.aurorawebhooks.catalog.Attribute;

/**
 * Reads {@code aurora_webhook_events}, the table {@link EventWriter} writes: what a page, a console or a
 * command shows of the recorded deliveries, without SQL of its own. Read-only and thread-safe.
 */
public final class EventLog {

    /**
     * One recorded delivery.
     *
     * @param attributes the attributes it carried, by parameter name, in the catalogue's order
     * @param undocumentedValues comma-separated attributes whose value Aurora does not document; null when none
     * @param repeatOf the id of the earlier identical delivery it repeats; null for a first delivery
     */
    public record RecordedEvent(long id, String eventType, Instant receivedAt, Map<String, String> attributes,
                                String undocumentedValues, Long repeatOf) {
    }

    private final Database database;

    public EventLog(Database database) {
        this.database = Objects.requireNonNull(database, "database == null");
    }

    /** The {@code limit} most recent deliveries, newest first. */
    public List<RecordedEvent> latest(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit + " is not positive");
        }
        Dialect d = database.dialect();
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM aurora_webhook_events ORDER BY id DESC LIMIT :n")
                .bind("n", limit)
                .map((rs, ctx) -> {
                    Map<String, String> attributes = new LinkedHashMap<>();
                    for (Attribute a : Attribute.values()) {
                        String v = rs.getString(a.parameter());
                        if (v != null) {
                            attributes.put(a.parameter(), v);
                        }
                    }
                    long repeatOf = rs.getLong("repeat_of");
                    return new RecordedEvent(rs.getLong("id"), rs.getString("event_type"), d.readTimestamp(rs, "received_at"),
                            Collections.unmodifiableMap(attributes), rs.getString("undocumented_values"),
                            rs.wasNull() ? null : repeatOf);
                }).list());
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
