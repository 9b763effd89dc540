package org.aurorawebhooks.evidence;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.aurorawebhooks.testing.TestDatabases;

/**
 * One row of {@code aurora_webhook_events}, read with plain JDBC through the public column names of the
 * design (not through the library), so that the audit compares what is in the table with what was sent.
 *
 * @param attributes the value of each attribute column, by column name (null when empty)
 */
record StoredEvent(long id, String eventType, Instant receivedAt, Map<String, String> attributes, String queryString,
                   String undocumentedValues, Long repeatOf) {
    /** The attribute columns the design names, one per documented URL attribute. */
    static final List<String> ATTRIBUTE_COLUMNS = List.of("project_id", "agreement_id", "ahj_id", "app_id", "design_id",
            "asset_id", "asset_type", "job_id", "lead_id", "design_request_id", "plan_set_request_id",
            "site_survey_request_id", "site_survey_id", "status", "source", "attributes");

    StoredEvent {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** Every row, by id; on SQLite through a read-only connection (see {@link TestDatabases#inspect}). */
    static List<StoredEvent> readAll(String jdbcUrl) throws SQLException {
        List<StoredEvent> rows = new ArrayList<>();
        try (Connection c = TestDatabases.inspect(jdbcUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, event_type, received_at, " + String.join(", ", ATTRIBUTE_COLUMNS)
                     + ", query_string, undocumented_values, repeat_of FROM aurora_webhook_events ORDER BY id")) {
            while (rs.next()) {
                Map<String, String> attributes = new LinkedHashMap<>();
                for (String column : ATTRIBUTE_COLUMNS) {
                    attributes.put(column, rs.getString(column));
                }
                long repeatOf = rs.getLong("repeat_of");
                Long repeat = rs.wasNull() ? null : repeatOf;
                rows.add(new StoredEvent(rs.getLong("id"), rs.getString("event_type"), instant(jdbcUrl, rs, "received_at"), attributes,
                        rs.getString("query_string"), rs.getString("undocumented_values"), repeat));
            }
        }
        return rows;
    }

    /**
     * A timestamp column of a public table as the design stores it: ISO-8601 UTC text on SQLite,
     * {@code TIMESTAMPTZ} on PostgreSQL, a {@code DATETIME(3)} holding UTC on MariaDB; null when NULL.
     */
    static Instant instant(String jdbcUrl, ResultSet rs, String column) throws SQLException {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            String text = rs.getString(column);
            return text == null ? null : Instant.parse(text);
        }
        Timestamp t = jdbcUrl.startsWith("jdbc:postgresql:") ? rs.getTimestamp(column)
                : rs.getTimestamp(column, Calendar.getInstance(TimeZone.getTimeZone("UTC")));
        return t == null ? null : t.toInstant();
    }
}
