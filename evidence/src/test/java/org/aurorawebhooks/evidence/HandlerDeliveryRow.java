package org.aurorawebhooks.evidence;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.aurorawebhooks.testing.TestDatabases;

/** One row of {@code aurora_handler_deliveries}: a call of one handler for one recorded event. */
record HandlerDeliveryRow(long id, long eventId, String handler, String status, int attempts) {

    /** Every row, by id. */
    static List<HandlerDeliveryRow> readAll(String jdbcUrl) throws SQLException {
        List<HandlerDeliveryRow> rows = new ArrayList<>();
        try (Connection c = TestDatabases.inspect(jdbcUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, event_id, handler, status, attempts FROM aurora_handler_deliveries "
                     + "ORDER BY id")) {
            while (rs.next()) {
                rows.add(new HandlerDeliveryRow(rs.getLong("id"), rs.getLong("event_id"), rs.getString("handler"),
                        rs.getString("status"), rs.getInt("attempts")));
            }
        }
        return rows;
    }

    /** Rows per status ({@code pending}, {@code done}, {@code dead}); empty before the tables exist. */
    static Map<String, Integer> countByStatus(String jdbcUrl) {
        Map<String, Integer> counts = new TreeMap<>();
        try (Connection c = TestDatabases.inspect(jdbcUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status, COUNT(*) FROM aurora_handler_deliveries GROUP BY status")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getInt(2));
            }
        } catch (SQLException e) {
            return Map.of(); // not migrated yet, or the database busy for a moment: the caller polls again
        }
        return counts;
    }
}
