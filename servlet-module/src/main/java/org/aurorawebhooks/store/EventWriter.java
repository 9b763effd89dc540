package org.aurorawebhooks.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.aurorawebhooks.catalog.Attribute;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits deliveries to {@code aurora_webhook_events} with group commit: one writer thread takes
 * whatever is queued, inserts it in one transaction with prepared statements it keeps open, commits
 * once, and only then releases the waiting requests. With {@code synchronous=FULL} a commit costs a
 * disk flush, so sharing one flush among every delivery that arrived meanwhile is what makes
 * commit-before-acknowledge fast.
 *
 * <p>A lead event also marks its lead as due for a fetch in {@code aurora_lead_sync}, in the same
 * transaction. After a failure the writer fails fast for a moment, then tries again: the database
 * coming back needs no restart. Thread-safe.
 */
public final class EventWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventWriter.class);
    private static final int MAX_BATCH = 512;
    /** After a failed commit, deliveries are refused at once for this long instead of queueing behind the outage. */
    private static final long BACKOFF_MILLIS = 1_000;

    /** The committed row: its id, and the id of the earlier identical delivery when it repeats one. */
    public record Stored(long id, Long repeatOf) {
    }

    private record Pending(Delivery delivery, CompletableFuture<Stored> result) {
    }

    private final Database database;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final String insertSql;
    private volatile boolean running = true;
    private volatile long refuseUntil;

    // Owned by the writer thread only.
    private Handle handle;
    private PreparedStatement insertEvent;
    private PreparedStatement markLeadDue;

    public EventWriter(Database database) {
        this.database = database;
        this.insertSql = insertSql();
        this.thread = new Thread(this::run, "aurora-webhooks-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private static String insertSql() {
        StringJoiner columns = new StringJoiner(", ");
        StringJoiner marks = new StringJoiner(", ");
        columns.add("event_type").add("received_at");
        marks.add("?").add("?");
        for (Attribute a : Attribute.values()) {
            columns.add(a.parameter());
            marks.add("?");
        }
        columns.add("query_string").add("undocumented_values").add("fingerprint").add("repeat_of");
        marks.add("?").add("?").add("?").add("(SELECT MIN(id) FROM aurora_webhook_events WHERE fingerprint = ?)");
        return "INSERT INTO aurora_webhook_events (" + columns + ") VALUES (" + marks + ") RETURNING id, repeat_of";
    }

    /**
     * Stores the delivery and returns once it is committed.
     *
     * @throws DatabaseUnavailableException when it could not be committed within {@code timeoutMillis};
     *     then it must not be acknowledged (it may still be committed later: a retry will then be
     *     recorded as a repeat of it)
     */
    public Stored write(Delivery delivery, long timeoutMillis) {
        if (!running) {
            throw new DatabaseUnavailableException("the webhook store is shutting down", null);
        }
        if (System.currentTimeMillis() < refuseUntil) {
            throw new DatabaseUnavailableException("the database was unavailable moments ago; retry later", null);
        }
        CompletableFuture<Stored> result = new CompletableFuture<>();
        queue.add(new Pending(delivery, result));
        try {
            return result.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof DatabaseUnavailableException d ? d
                    : new DatabaseUnavailableException("could not store the delivery", cause);
        } catch (TimeoutException e) {
            throw new DatabaseUnavailableException("the database did not commit within " + timeoutMillis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("interrupted while waiting for the commit", e);
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                running = false;
            } catch (RuntimeException | Error e) {
                // Never let the writer die: fail this batch, keep serving.
                log.error("aurora-webhooks: unexpected failure in the event writer", e);
                fail(batch, new DatabaseUnavailableException("unexpected failure while storing", e));
            } finally {
                batch.clear();
            }
        }
        closeStatements();
    }

    private void commit(List<Pending> batch) {
        if (System.currentTimeMillis() < refuseUntil) {
            fail(batch, new DatabaseUnavailableException("the database was unavailable moments ago; retry later", null));
            return;
        }
        List<Stored> stored = new ArrayList<>(batch.size());
        try {
            Connection connection = connection();
            // Open the transaction per batch and close it after: SQLite's driver would otherwise begin the
            // next transaction right after commit and hold the write lock between batches.
            connection.setAutoCommit(false);
            for (Pending p : batch) {
                stored.add(insert(p.delivery()));
            }
            connection.commit();
            connection.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            rollbackAndClose();
            refuseUntil = System.currentTimeMillis() + BACKOFF_MILLIS;
            log.warn("aurora-webhooks: could not commit {} deliveries to {}: {}", batch.size(), database.description(),
                    e.getMessage());
            fail(batch, e instanceof DatabaseUnavailableException d ? d
                    : new DatabaseUnavailableException("could not commit to " + database.description(), e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(stored.get(i));
        }
    }

    private Stored insert(Delivery d) throws SQLException {
        Dialect dialect = database.dialect();
        int i = 1;
        insertEvent.setString(i++, d.eventType());
        insertEvent.setObject(i++, dialect.timestamp(d.receivedAt()));
        for (Attribute a : Attribute.values()) {
            insertEvent.setString(i++, d.value(a));
        }
        insertEvent.setString(i++, d.queryString());
        insertEvent.setString(i++, d.undocumented());
        insertEvent.setString(i++, d.fingerprint());
        insertEvent.setString(i, d.fingerprint());
        Stored stored;
        try (ResultSet rs = insertEvent.executeQuery()) {
            rs.next();
            long id = rs.getLong(1);
            long repeatOf = rs.getLong(2);
            stored = new Stored(id, rs.wasNull() ? null : repeatOf);
        }
        String leadId = d.value(Attribute.LEAD_ID);
        if (d.isLeadEvent() && leadId != null) {
            long now = d.receivedAt().toEpochMilli();
            markLeadDue.setString(1, leadId);
            markLeadDue.setString(2, d.eventType());
            markLeadDue.setLong(3, now);
            markLeadDue.setLong(4, now);
            markLeadDue.executeUpdate();
        }
        return stored;
    }

    private Connection connection() throws SQLException {
        if (handle == null) {
            database.ensureMigrated();
            handle = database.jdbi().open();
            Connection c = handle.getConnection();
            insertEvent = c.prepareStatement(insertSql);
            markLeadDue = c.prepareStatement(LeadSyncSql.MARK_DUE);
        }
        return handle.getConnection();
    }

    private void rollbackAndClose() {
        if (handle != null) {
            try {
                handle.getConnection().rollback();
            } catch (SQLException | RuntimeException ignored) {
                // the connection is being discarded anyway
            }
        }
        closeStatements();
    }

    private void closeStatements() {
        if (handle == null) {
            return;
        }
        try {
            insertEvent.close();
            markLeadDue.close();
            handle.getConnection().setAutoCommit(true);
        } catch (SQLException | RuntimeException ignored) {
            // best effort: a broken connection is evicted by the pool
        }
        try {
            handle.close();
        } catch (RuntimeException ignored) {
            // the pool discards a broken connection itself
        }
        handle = null;
        insertEvent = null;
        markLeadDue = null;
    }

    private static void fail(List<Pending> batch, RuntimeException e) {
        for (Pending p : batch) {
            p.result().completeExceptionally(e);
        }
    }

    /** Commits what is queued, then stops the writer thread. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(new DatabaseUnavailableException("the webhook store shut down", null));
        }
    }
}
