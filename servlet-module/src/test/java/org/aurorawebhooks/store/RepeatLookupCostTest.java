package org.aurorawebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.api.Test;

/**
 * The repeat lookup reads one index entry however many identical deliveries the window holds. It took
 * {@code MIN(id)} over the window's range, which read every entry: at 1,000 identical deliveries a second
 * (a sender or a load test repeating one URL) each lookup read more entries than the last, up to 300,000
 * by the end of a five-minute window. Counted by the servers themselves, not timed: PostgreSQL's
 * buffers per lookup, MariaDB's index entries read ({@code Handler_read_next}). SQLite has neither counter
 * over JDBC; it runs the same SQL as MariaDB.
 *
 * <p>As many identical deliveries precede the window as fill it: {@code MIN(id)} is then expensive on either
 * plan a server may choose, the {@code (fingerprint, received_at, id)} range (every entry in the window) or the
 * primary key in order (every row before the window). PostgreSQL took the second, so with rows in the window
 * only, the old SQL passed this test.
 */
class RepeatLookupCostTest {
    /** Enough identical rows, before the window and in it, to fill dozens of index pages each. */
    private static final int IDENTICAL = 6_000;
    private static final Instant START = Instant.parse("2026-12-07T08:00:00Z");

    @Test
    void postgresqlReadsAFewPagesNotTheWholeRange() throws SQLException {
        try (Database db = filled(Kind.POSTGRESQL); Connection c = db.connection()) {
            try (Statement st = c.createStatement()) {
                st.execute("VACUUM ANALYZE aurora_webhook_events"); // as autovacuum would: index-only reads
            }
            String sql = "EXPLAIN (ANALYZE, BUFFERS) " + EventLog.firstInWindowSql("CAST(? AS CHAR(32))");
            StringBuilder plan = new StringBuilder();
            try (PreparedStatement st = c.prepareStatement(sql)) {
                st.setString(1, fingerprint());
                st.setObject(2, db.dialect().timestamp(START));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
            }
            Matcher buffers = Pattern.compile("Buffers: shared hit=(\\d+)(?: read=(\\d+))?").matcher(plan);
            assertTrue(buffers.find(), "the plan shows its buffers:\n" + plan);
            int pages = Integer.parseInt(buffers.group(1)) + (buffers.group(2) == null ? 0 : Integer.parseInt(buffers.group(2)));
            assertTrue(pages <= 8, pages + " pages read to find the first of " + IDENTICAL
                    + " identical deliveries; a whole-range read takes dozens:\n" + plan);
        }
    }

    @Test
    void mariadbReadsAFewIndexEntriesNotTheWholeRange() throws SQLException {
        try (Database db = filled(Kind.MARIADB); Connection c = db.connection()) {
            long before = handlerReadNext(c);
            long first;
            try (PreparedStatement st = c.prepareStatement(EventLog.earliestByFingerprintSql(1))) {
                st.setObject(1, db.dialect().timestamp(START));
                st.setString(2, fingerprint());
                try (ResultSet rs = st.executeQuery()) {
                    assertTrue(rs.next());
                    first = rs.getLong(2);
                }
            }
            long read = handlerReadNext(c) - before;
            assertEquals(IDENTICAL + 1, first, "the first of the identical deliveries in the window");
            assertTrue(read < 100, read + " index entries read to find the first of " + IDENTICAL
                    + " identical deliveries");
        }
    }

    /**
     * A fresh database holding twice {@link #IDENTICAL} identical deliveries, one a millisecond, the second half
     * from {@link #START} on: ids 1 to {@code IDENTICAL} precede the window, {@code IDENTICAL + 1} opens it.
     */
    private static Database filled(Kind kind) throws SQLException {
        Map<String, String> config = TestDatabases.fresh(kind);
        Database db = Database.open(Settings.of(config));
        db.ensureMigrated();
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement(EventLog.insertSql(1))) {
                for (int i = 0; i < 2 * IDENTICAL; i++) {
                    EventLog.bindRow(st, 1, db.dialect(), delivery(START.plusMillis(i - IDENTICAL)), i == 0 ? null : 1L);
                    st.addBatch();
                }
                st.executeBatch();
            }
            c.commit();
        }
        return db;
    }

    private static Delivery delivery(Instant at) {
        String[] values = new String[Attribute.values().length];
        values[Attribute.LEAD_ID.ordinal()] = "lead-1";
        return new Delivery("lead_changed", true, at, values, "lead_id=lead-1", null, fingerprint());
    }

    private static String fingerprint() {
        return "0123456789abcdef0123456789abcdef";
    }

    private static long handlerReadNext(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW SESSION STATUS LIKE 'Handler_read_next'")) {
            assertTrue(rs.next());
            return rs.getLong(2);
        }
    }
}
