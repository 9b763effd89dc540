package org.aurorawebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite write transactions of one process queue on the gate (parked in Java, in arrival order) instead
 * of meeting in SQLite's busy handler, which sleeps in native code between tries.
 */
class SqliteWriteGateTest {

    @Test
    void oneFileIsOneGateHoweverItsUrlIsSpelled(@TempDir Path dir) {
        String plain = "jdbc:sqlite:" + dir.resolve("events.db");
        assertEquals(SqliteWriteGate.fileKey(plain), SqliteWriteGate.fileKey("jdbc:sqlite:" + dir.resolve("x/../events.db")
                + "?journal_mode=WAL"));
        assertNotEquals(SqliteWriteGate.fileKey(plain), SqliteWriteGate.fileKey("jdbc:sqlite:" + dir.resolve("other.db")));
        assertEquals("jdbc:sqlite::memory:", SqliteWriteGate.fileKey("jdbc:sqlite::memory:"));
    }

    @Test
    void aSecondWriterOfTheSameFileWaitsOnTheGateAndGoesInWhenTheFirstEnds() throws Exception {
        Map<String, String> config = TestDatabases.freshSqlite();
        // Two pools on one file, as two parts of one webapp (or a test's two "nodes") have.
        try (Database first = Database.open(Settings.of(config)); Database second = Database.open(Settings.of(config))) {
            first.ensureMigrated();
            AtomicReference<Thread> waiter = new AtomicReference<>();
            CompletableFuture<Void> secondWrite;
            try (Connection a = first.dataSource().getConnection()) {
                a.setAutoCommit(false);
                try (Statement s = a.createStatement()) {
                    s.execute("CREATE TABLE gate_probe (n INTEGER)");
                }
                secondWrite = CompletableFuture.runAsync(() -> {
                    waiter.set(Thread.currentThread());
                    try (Connection b = second.dataSource().getConnection()) {
                        b.setAutoCommit(false);
                        try (Statement s = b.createStatement()) {
                            s.execute("INSERT INTO gate_probe VALUES (2)");
                        }
                        b.commit();
                        b.setAutoCommit(true);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                // Parked on the gate: TIMED_WAITING in Java. Without the gate it would sit in SQLite's busy
                // handler, a native sleep that Java reports as RUNNABLE.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(9);
                while (!(waiter.get() != null && waiter.get().getState() == Thread.State.TIMED_WAITING
                        && isOnTheGate(waiter.get()))) {
                    assertTrue(System.nanoTime() < deadline, "the second writer never parked on the gate: "
                            + (waiter.get() == null ? "not started" : waiter.get().getState()));
                    Thread.sleep(5);
                }
                try (Statement s = a.createStatement()) {
                    s.execute("INSERT INTO gate_probe VALUES (1)");
                }
                a.commit();
                a.setAutoCommit(true);
            }
            secondWrite.get(30, TimeUnit.SECONDS);
            try (Connection c = first.dataSource().getConnection(); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT group_concat(n) FROM (SELECT n FROM gate_probe ORDER BY n)")) {
                rs.next();
                assertEquals("1,2", rs.getString(1));
            }
        }
    }

    @Test
    void aConnectionClosedMidTransactionOpensTheGate() throws Exception {
        Map<String, String> config = TestDatabases.freshSqlite();
        try (Database db = Database.open(Settings.of(config))) {
            db.ensureMigrated();
            try (Connection a = db.dataSource().getConnection()) {
                a.setAutoCommit(false);
            }
            // Had the gate stayed shut, this would wait the whole busy timeout (10 s) first.
            CompletableFuture<Boolean> next = CompletableFuture.supplyAsync(() -> {
                try (Connection b = db.dataSource().getConnection()) {
                    b.setAutoCommit(false);
                    b.setAutoCommit(true);
                    return true;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (!next.isDone()) {
                assertTrue(System.nanoTime() < deadline, "the gate stayed shut after a connection closed mid-transaction");
                Thread.sleep(5);
            }
            assertTrue(next.get());
        }
    }

    private static boolean isOnTheGate(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(SqliteWriteGate.class.getName())) {
                return true;
            }
        }
        return false;
    }
}
