package org.aurorawebhooks.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * The plan PostgreSQL makes for a dispatcher's cycle ({@link HandlerDeliveries#markAndClaim}) with a backlog, its
 * statistics made as autovacuum makes them: the claim reads the due pending rows in order from the pending index
 * and stops at its limit, testing each candidate with one probe of the subject index, and the marks find their
 * rows by primary key: a cycle costs the same with 5,000 rows pending as with 5. It fails on a plan that reads
 * every pending row on each claim (a sequential or bitmap scan and a sort, or an anti-join), as the claims of
 * {@code bench/handlers.sh} did before, which made a no-op handler fall behind under load. Both plans the server
 * may run are checked: the one kept for every run of the prepared statement, and one made for the values at hand.
 */
class HandlerClaimPlanTest {
    private static final int PENDING = 5_000;
    private static final int DONE = 20_000;

    @Test
    void aCycleReadsTheDueRowsInOrderAndStopsAtItsLimitWhateverTheBacklog() throws SQLException {
        Map<String, String> config = TestDatabases.fresh(TestDatabases.Kind.POSTGRESQL);
        try (Database db = Database.open(Settings.of(config))) {
            db.ensureMigrated();
            try (Connection c = db.connection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO aurora_webhook_events (event_type, received_at, lead_id, query_string, fingerprint) "
                        + "SELECT 'lead_created', now(), 'lead-' || g, 'lead_id=lead-' || g, md5(g::text) "
                        + "FROM generate_series(1, " + (PENDING + DONE) + ") g");
                st.execute("INSERT INTO aurora_handler_deliveries (event_id, handler, subject, status, attempts, due_at, "
                        + "created_at, finished_at) SELECT g, 'crm', 'lead-' || g, CASE WHEN g > " + DONE
                        + " THEN 'pending' ELSE 'done' END, 0, g, g, CASE WHEN g > " + DONE + " THEN NULL ELSE g END "
                        + "FROM generate_series(1, " + (PENDING + DONE) + ") g");
                st.execute("ANALYZE aurora_handler_deliveries");
                st.execute("ANALYZE aurora_webhook_events");
                st.execute("PREPARE cycle AS " + numbered(HandlerDeliveries.markAndClaimSql()));
                for (String mode : List.of("force_generic_plan", "force_custom_plan")) {
                    st.execute("SET plan_cache_mode = " + mode);
                    String plan = explain(st, "EXPLAIN EXECUTE cycle(1000000, '{20001,20002}', '{node#1,node#1}', '{1,1}', "
                            + "1000000, '{crm}', 1000000, '{20001,20002}', 64, 'expired', 'node#2', 2000000)");
                    String heads = section(plan, "CTE heads", "CTE claimed");
                    assertTrue(heads.contains("Index Scan using aurora_handler_deliveries_pending on aurora_handler_deliveries d"),
                            mode + ": the heads are read from the pending index:\n" + plan);
                    for (String wholeBacklog : List.of("Sort", "Bitmap", "Seq Scan", "Anti Join", "Hash")) {
                        assertFalse(heads.contains(wholeBacklog), mode + ": no " + wholeBacklog
                                + " under the claim's limit, which would read every pending row:\n" + plan);
                    }
                    assertTrue(heads.contains("Index Only Scan using aurora_handler_deliveries_pending_subject"),
                            mode + ": each candidate's head test is one probe of the subject index:\n" + plan);
                    assertTrue(section(plan, "CTE marks", "CTE heads").contains("aurora_handler_deliveries_pkey"),
                            mode + ": the marks find their rows by primary key:\n" + plan);
                }
            }
        }
    }

    /**
     * Where the server has not analysed the queue (autovacuum off, as on this machine's PostgreSQL, or not yet
     * round), the dispatcher does, once; a minute after an ANALYZE, or with few rows changed, it does not.
     */
    @Test
    void staleStatisticsAreMadeCurrentOnceAndFreshOnesAreLeftAlone() throws Exception {
        Map<String, String> config = TestDatabases.fresh(TestDatabases.Kind.POSTGRESQL);
        try (Database db = Database.open(Settings.of(config))) {
            db.ensureMigrated();
            HandlerDeliveries deliveries = new HandlerDeliveries(db.dialect());
            assertFalse(db.jdbi().withHandle(deliveries::analyzeIfStale), "an empty table has nothing stale");
            try (Connection c = db.connection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO aurora_handler_deliveries (event_id, handler, subject, status, attempts, due_at, "
                        + "created_at) SELECT g, 'crm', 'lead-' || g, 'pending', 0, g, g FROM generate_series(1, 10000) g");
                st.execute("SELECT pg_stat_force_next_flush()");
            }
            long deadline = System.nanoTime() + 60_000_000_000L; // the server reports the changes within a second or so
            while (db.jdbi().withHandle(h -> h.createQuery("SELECT n_mod_since_analyze FROM pg_stat_user_tables "
                    + "WHERE relid = CAST('aurora_handler_deliveries' AS regclass)").mapTo(Long.class).one()) < 10_000) {
                assertTrue(System.nanoTime() < deadline, "the server reported the 10,000 inserted rows");
                Thread.sleep(50);
            }
            assertTrue(db.jdbi().withHandle(deliveries::analyzeIfStale), "10,000 rows changed, never analysed: analysed");
            assertTrue(db.jdbi().withHandle(h -> h.createQuery("SELECT reltuples FROM pg_class "
                    + "WHERE oid = CAST('aurora_handler_deliveries' AS regclass)").mapTo(Float.class).one()) > 9_000,
                    "the planner now knows the table's size");
            assertFalse(db.jdbi().withHandle(deliveries::analyzeIfStale), "analysed a moment ago: left alone");
        }
    }

    /** The statement with JDBC's {@code ?} numbered {@code $1, $2, ...}, as SQL's PREPARE takes it. */
    private static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (ch == '?') {
                out.append('$').append(++n);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private static String explain(Statement st, String sql) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return String.join("\n", lines);
    }

    /** The part of a plan from the line naming {@code from} to the one naming {@code to}. */
    private static String section(String plan, String from, String to) {
        int start = plan.indexOf(from);
        int end = plan.indexOf(to, Math.max(start, 0));
        assertTrue(start >= 0 && end > start, "the plan has " + from + " then " + to + ":\n" + plan);
        return plan.substring(start, end);
    }
}
