package org.aurorawebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.testing.TestDatabases;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.Test;

/**
 * The plan SQLite makes for the dispatcher's "done" marks ({@link HandlerDeliveries#completeAll}) and for the
 * claim's update: each names its rows by primary key, and must find them by it. Without statistics SQLite
 * preferred the index on {@code status = 'pending'} for the marks, so every cycle read the whole backlog, and
 * a backlog drained the slower the longer it was ({@code bench/handlers.sh}: a no-op handler kept up with 0.33
 * of ingest, 3,109 calls/s, before; see the README's benchmarks for after).
 */
class HandlerMarkPlanTest {
    /**
     * A dispatcher's cycle with a backlog marks about a local queue's worth (64 with the default 4 workers);
     * SQLite 3.40 to 3.5x switches to the status index from about 30 ids in the list.
     */
    private static final int BATCH = 64;

    @Test
    void marksFindTheirRowsByPrimaryKeyOnSqlite() throws SQLException {
        Map<String, String> config = TestDatabases.fresh(TestDatabases.Kind.SQLITE);
        try (Database db = Database.open(Settings.of(config))) {
            db.ensureMigrated();
            HandlerDeliveries deliveries = new HandlerDeliveries(db.dialect());
            db.jdbi().useHandle(h -> {
                for (int i = 1; i <= BATCH; i++) {
                    deliveries.enqueue(h, i, "crm", "lead-" + i, 1);
                }
            });
            List<String> statements = new CopyOnWriteArrayList<>();
            db.jdbi().getConfig(SqlStatements.class).setSqlLogger(new SqlLogger() {
                @Override
                public void logBeforeExecution(StatementContext context) {
                    statements.add(context.getParsedSql().getSql());
                }
            });
            int marked = db.jdbi().inTransaction(h -> {
                List<HandlerDeliveries.Claimed> claimed = deliveries.claim(h, List.of("crm"), "node#1", 2, 10_000, BATCH, "expired");
                assertEquals(BATCH, claimed.size());
                return deliveries.completeAll(h, claimed.stream().map(HandlerDeliveries.Claimed::id).toList(), "node#1", 1, 3);
            });
            assertEquals(BATCH, marked, "the marks were written");
            List<String> byKey = statements.stream().filter(s -> s.startsWith("UPDATE") && s.contains("WHERE id IN")).toList();
            assertFalse(byKey.isEmpty(), "the marks' statement was seen: " + statements);
            try (Connection c = db.connection(); Statement st = c.createStatement()) {
                for (String sql : byKey) {
                    String plan = plan(st, sql);
                    // The first line is how the updated rows are found (a claim's subquery may use other indexes).
                    assertTrue(plan.lines().findFirst().orElse("").contains("USING INTEGER PRIMARY KEY"),
                            "rows found by primary key, not through the status index, which reads every pending row: "
                                    + sql + "\n" + plan);
                }
            }
        }
    }

    private static String plan(Statement st, String sql) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = st.executeQuery("EXPLAIN QUERY PLAN " + sql.replace("?", "NULL"))) {
            while (rs.next()) {
                plan.append(rs.getString("detail")).append('\n');
            }
        }
        return plan.toString();
    }
}
