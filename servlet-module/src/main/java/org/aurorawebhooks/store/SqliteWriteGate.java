package org.aurorawebhooks.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Queues this process's SQLite write transactions in arrival order, so that they never meet in SQLite's
 * busy handler. SQLite lets one writer in at a time; a second one retries on {@code busy_timeout} by
 * sleeping 1, 2, 5, ... up to 100 ms between tries, so under steady load (the event writer, handler
 * claims and done marks, lead sync, retention) a transaction that merely waited its turn could lose
 * tens to hundreds of milliseconds. Here it waits on a fair semaphore per database file instead and goes
 * in the moment the previous transaction ends.
 *
 * <p>A transaction begins where the driver begins it: {@code setAutoCommit(false)} (with
 * {@code transaction_mode=IMMEDIATE} that takes SQLite's write lock at once) and ends at
 * {@code setAutoCommit(true)} or {@code close()} (the pool rolls back and resets a connection handed back
 * mid-transaction). A commit in between does not end it: the driver begins the next transaction at once.
 * Other processes on the same file still queue on SQLite's own lock. A wait longer than the busy timeout
 * goes on without the gate, so nothing here can wait longer than SQLite itself would have.
 */
final class SqliteWriteGate {
    private static final Map<String, Semaphore> GATES = new ConcurrentHashMap<>();

    private SqliteWriteGate() {
    }

    /** The pool's connections, their transactions queued on the gate of the database file {@code jdbcUrl} names. */
    static DataSource wrap(DataSource pool, String jdbcUrl, long waitMillis) {
        Semaphore gate = GATES.computeIfAbsent(fileKey(jdbcUrl), k -> new Semaphore(1, true));
        return (DataSource) Proxy.newProxyInstance(SqliteWriteGate.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(pool, method, args);
                    return result instanceof Connection c ? gated(c, gate, waitMillis) : result;
                });
    }

    /** One gate per file, however its URL spells the path; an in-memory database is its own. */
    static String fileKey(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = rest.indexOf('?');
        String file = query < 0 ? rest : rest.substring(0, query);
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
            return jdbcUrl;
        }
        return Path.of(file).toAbsolutePath().normalize().toString();
    }

    private static Connection gated(Connection connection, Semaphore gate, long waitMillis) {
        InvocationHandler handler = new InvocationHandler() {
            /** Whether this connection's open transaction holds the gate. */
            private boolean holding;

            @Override
            public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                String name = method.getName();
                if (name.equals("setAutoCommit") && !((Boolean) args[0]) && !holding && connection.getAutoCommit()) {
                    holding = enter(gate, waitMillis);
                    try {
                        return SqliteWriteGate.invoke(connection, method, args);
                    } catch (Throwable e) {
                        leave(gate);
                        throw e;
                    }
                }
                if ((name.equals("setAutoCommit") && (Boolean) args[0]) || name.equals("close")) {
                    try {
                        return SqliteWriteGate.invoke(connection, method, args);
                    } finally {
                        leave(gate);
                    }
                }
                return SqliteWriteGate.invoke(connection, method, args);
            }

            private void leave(Semaphore g) {
                if (holding) {
                    holding = false;
                    g.release();
                }
            }
        };
        return (Connection) Proxy.newProxyInstance(SqliteWriteGate.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
    }

    private static boolean enter(Semaphore gate, long waitMillis) throws SQLException {
        try {
            return gate.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting to begin a SQLite write transaction", e);
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
