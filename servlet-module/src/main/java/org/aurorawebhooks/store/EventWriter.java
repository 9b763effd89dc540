package org.aurorawebhooks.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.internal.DaemonThreads;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits deliveries to {@code aurora_webhook_events} with group commit: a writer thread takes
 * whatever is queued, writes it in one transaction in a few statements whatever the batch's size,
 * commits once, and only then releases the waiting requests. With {@code synchronous=FULL} a commit costs a
 * disk flush, so sharing one flush among every delivery that arrived meanwhile is what makes
 * commit-before-acknowledge fast.
 *
 * <p>A lead event also marks its lead as due for a fetch in {@code aurora_lead_sync}, and an event a handler
 * accepts queues its handler deliveries, in the same transaction. On PostgreSQL the whole batch is one
 * prepared statement with the columns bound as arrays, run in autocommit mode: one round trip, commit
 * included, planned once (see {@link EventLog#insertFromArraysSql} and {@link Dialect#genericPlans()}); the
 * other databases run a few multi-row statements and commit. After a failure the writer fails fast for a
 * moment, then tries again: the database coming back needs no restart. Thread-safe.
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
    private final Duration repeatWindow;
    private final Clock clock;
    private final LeadSyncTable leadSync;
    private final HandlerDeliveries handlerDeliveries;
    private final HandlerTargets handlers;
    private final WriterThread writer;
    private final boolean generatedKeysOnly;
    private volatile boolean running = true;
    private volatile long refuseUntil;

    /**
     * @param repeatWindow how far back an identical delivery makes a new one a repeat; zero for never
     * @param clock decides which earlier deliveries are inside the window
     */
    public EventWriter(Database database, Duration repeatWindow, Clock clock) {
        this(database, repeatWindow, clock, HandlerTargets.NONE, false);
    }

    /**
     * @param handlers which handlers get a delivery of each recorded event, repeats included (queued in the
     *     event's own transaction), and whom to wake after
     */
    public EventWriter(Database database, Duration repeatWindow, Clock clock, HandlerTargets handlers) {
        this(database, repeatWindow, clock, handlers, false);
    }

    /**
     * @param generatedKeysOnly take ids from a JDBC batch's generated keys even where the server has
     *     {@code INSERT ... RETURNING}: how MySQL is written to, so tests can run that path on MariaDB
     */
    EventWriter(Database database, Duration repeatWindow, Clock clock, HandlerTargets handlers, boolean generatedKeysOnly) {
        this.handlers = handlers;
        this.handlerDeliveries = new HandlerDeliveries(database.dialect());
        this.generatedKeysOnly = generatedKeysOnly;
        this.database = database;
        this.repeatWindow = repeatWindow;
        this.clock = clock;
        this.leadSync = new LeadSyncTable(database.dialect());
        this.writer = new WriterThread(DaemonThreads.named("webhooks-writer"));
    }

    /**
     * Stores the delivery and returns once it is committed.
     *
     * @throws DatabaseUnavailableException when it could not be committed within {@code timeoutMillis};
     *     then it must not be acknowledged (it may still be committed later: a retry within the
     *     repeat window will then be recorded as a repeat of it)
     */
    public Stored write(Delivery delivery, long timeoutMillis) {
        if (!running) {
            throw new DatabaseUnavailableException("the webhook store is shutting down", null);
        }
        if (System.currentTimeMillis() < refuseUntil) {
            throw new DatabaseUnavailableException("the database was unavailable moments ago; retry later", null);
        }
        CompletableFuture<Stored> result = new CompletableFuture<>();
        // One writer whose batches commit in order: repeat detection is exact, and a subject's events get ids in
        // the order they arrived, the order its handlers see them in.
        writer.queue.add(new Pending(delivery, result));
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

    /**
     * The one writer thread, with its own queue and connection. One per node on every database: with a second
     * one, each batch is half as large and costs about as much, and on PostgreSQL it measured slower and with a
     * worse p99 (README, Benchmarks); the database flush is short next to a batch's execution.
     */
    private final class WriterThread {
        private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
        private final Thread thread;
        // Owned by this thread only.
        private Handle handle;
        /** Whether this server returns the ids of a multi-row INSERT. */
        private boolean insertReturning;
        /** Whether the batch being stored queued handler deliveries. */
        private boolean queuedHandlerWork;
        /** Without RETURNING (MySQL): one single-row INSERT run as a JDBC batch, ids from the generated keys. */
        private PreparedStatement insertOne;
        /** Where the dialect binds arrays (PostgreSQL): the whole batch as one statement, prepared once. */
        private PreparedStatement storeArrays;
        /** The same, queueing handler deliveries too: for batches that a handler wants. */
        private PreparedStatement storeArraysQueueing;

        WriterThread(ThreadFactory threads) {
            thread = threads.newThread(this::run);
            thread.start();
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
            List<Delivery> deliveries = batch.stream().map(Pending::delivery).toList();
            List<Stored> stored;
            try {
                stored = storeRetryingDeadlocks(deliveries);
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
            if (queuedHandlerWork) {
                queuedHandlerWork = false;
                handlers.queued();
            }
        }

        /**
         * One transaction for the batch. Two nodes touching the same lead-sync rows can deadlock on a
         * database server; the database then rolls one back whole, so running it again is exact.
         */
        private List<Stored> storeRetryingDeadlocks(List<Delivery> deliveries) throws SQLException {
            for (int attempt = 1; ; attempt++) {
                Connection connection = connection();
                if (storeArrays != null) {
                    // One statement in autocommit mode, the handler deliveries' INSERT included when the batch
                    // queues any: it commits before its result arrives, in one round trip.
                    try {
                        return storeAsArrays(deliveries);
                    } catch (SQLException e) {
                        if (attempt >= 3 || !isDeadlock(e)) {
                            throw e;
                        }
                        continue;
                    }
                }
                try {
                    // A no-op when the previous batch left it off (a round trip each way on MariaDB).
                    connection.setAutoCommit(false);
                    List<Stored> stored = store(connection, deliveries);
                    connection.commit();
                    endTransactions(connection);
                    return stored;
                } catch (SQLException e) {
                    if (attempt >= 3 || !isDeadlock(e)) {
                        throw e;
                    }
                    connection.rollback();
                    endTransactions(connection);
                }
            }
        }

        /**
         * Where the driver begins the next transaction at commit (SQLite: it would hold the write lock
         * between batches), back to autocommit; elsewhere the connection stays in a transaction mode, the
         * next statement opens the next transaction, and nothing holds a lock meanwhile.
         */
        private void endTransactions(Connection connection) throws SQLException {
            if (database.dialect().beginsTransactionAtCommit()) {
                connection.setAutoCommit(true);
            }
        }

        /**
         * Writes a batch in a few statements whatever its size: one query for earlier identical
         * deliveries, one INSERT for the rows (one JDBC batch where there is no RETURNING), one upsert
         * for the leads they make due, one INSERT for the handler deliveries they queue, and an UPDATE only
         * when the batch itself holds repeats.
         */
        private List<Stored> store(Connection c, List<Delivery> batch) throws SQLException {
            Long[] repeatOf = new Long[batch.size()];
            Map<String, Integer> firstInBatch = new HashMap<>();
            int[] repeatsInBatch = new int[batch.size()];
            Arrays.fill(repeatsInBatch, -1);
            if (!repeatWindow.isZero()) {
                Map<String, Long> earlier = earlierDeliveries(c, batch);
                for (int i = 0; i < batch.size(); i++) {
                    String fingerprint = batch.get(i).fingerprint();
                    Long id = earlier.get(fingerprint);
                    if (id != null) {
                        repeatOf[i] = id;
                    } else {
                        Integer first = firstInBatch.putIfAbsent(fingerprint, i);
                        if (first != null) {
                            repeatsInBatch[i] = first;
                        }
                    }
                }
            }
            long[] ids = insert(c, batch, repeatOf);
            List<Integer> laterRepeats = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                if (repeatsInBatch[i] >= 0) {
                    repeatOf[i] = ids[repeatsInBatch[i]];
                    laterRepeats.add(i);
                }
            }
            if (!laterRepeats.isEmpty()) {
                try (PreparedStatement st = c.prepareStatement(EventLog.SET_REPEAT_OF_SQL)) {
                    for (int i : laterRepeats) {
                        st.setLong(1, repeatOf[i]);
                        st.setLong(2, ids[i]);
                        st.addBatch();
                    }
                    st.executeBatch();
                }
            }
            leadSync.markDue(c, dueLeads(batch), clock.millis());
            enqueueHandlerCalls(c, batch, ids);
            List<Stored> stored = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                stored.add(new Stored(ids[i], repeatOf[i]));
            }
            return stored;
        }

        /**
         * The batch in one statement (see {@link EventLog#insertFromArraysSql}): the repeat lookup, the
         * rows with their ids and {@code repeat_of}, the leads they make due, and, when a handler accepts any of
         * them, the handler deliveries they queue.
         */
        private List<Stored> storeAsArrays(List<Delivery> batch) throws SQLException {
            List<Integer> positions = new ArrayList<>();
            List<String> handlerNames = new ArrayList<>();
            List<String> subjects = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                Delivery d = batch.get(i);
                for (String handler : handlers.handlersFor(d.eventType())) {
                    positions.add(i + 1);
                    handlerNames.add(handler);
                    subjects.add(d.subject());
                }
            }
            PreparedStatement st = positions.isEmpty() ? storeArrays : storeArraysQueueing();
            long now = clock.millis();
            int p = EventLog.bindArrays(st, 1, batch);
            if (!repeatWindow.isZero()) {
                st.setObject(p++, database.dialect().timestamp(clock.instant().minus(repeatWindow)));
            }
            p = LeadSyncTable.bindDueArrays(st, p, dueLeads(batch), now);
            if (!positions.isEmpty()) {
                HandlerDeliveries.bindEnqueueArrays(st, p, positions, handlerNames, subjects, now);
                queuedHandlerWork = true;
            }
            Stored[] stored = new Stored[batch.size()];
            int rows = 0;
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    int position = rs.getInt(1);
                    long id = rs.getLong(2);
                    long repeatOf = rs.getLong(3);
                    stored[position - 1] = new Stored(id, rs.wasNull() ? null : repeatOf);
                    rows++;
                }
            }
            if (rows != stored.length) {
                throw new SQLException("the database returned " + rows + " stored rows for " + stored.length + " deliveries");
            }
            return Arrays.asList(stored);
        }

        /** Queues each accepting handler's delivery of each row (repeats included), in the caller's transaction. */
        private void enqueueHandlerCalls(Connection c, List<Delivery> batch, long[] ids) throws SQLException {
            List<HandlerDeliveries.NewDelivery> calls = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                Delivery d = batch.get(i);
                for (String handler : handlers.handlersFor(d.eventType())) {
                    calls.add(new HandlerDeliveries.NewDelivery(ids[i], handler, d.subject()));
                }
            }
            handlerDeliveries.enqueue(c, calls, clock.millis());
            queuedHandlerWork |= !calls.isEmpty();
        }

        /** Per fingerprint in the batch: the first identical delivery received within the window. */
        private Map<String, Long> earlierDeliveries(Connection c, List<Delivery> batch) throws SQLException {
            Set<String> fingerprints = new LinkedHashSet<>();
            batch.forEach(d -> fingerprints.add(d.fingerprint()));
            Map<String, Long> earlier = new HashMap<>();
            try (PreparedStatement st = c.prepareStatement(EventLog.earliestByFingerprintSql(fingerprints.size()))) {
                st.setObject(1, database.dialect().timestamp(clock.instant().minus(repeatWindow)));
                int i = 2;
                for (String f : fingerprints) {
                    st.setString(i++, f);
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(2);
                        if (!rs.wasNull()) {
                            earlier.put(rs.getString(1), id);
                        }
                    }
                }
            }
            return earlier;
        }

        /** Inserts the rows and returns their ids, in batch order. */
        private long[] insert(Connection c, List<Delivery> batch, Long[] repeatOf) throws SQLException {
            long[] ids = new long[batch.size()];
            if (insertReturning) {
                try (PreparedStatement st = c.prepareStatement(EventLog.insertSql(batch.size()) + " RETURNING id")) {
                    int p = 1;
                    for (int i = 0; i < batch.size(); i++) {
                        p = EventLog.bindRow(st, p, database.dialect(), batch.get(i), repeatOf[i]);
                    }
                    int n = 0;
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            ids[n++] = rs.getLong(1);
                        }
                    }
                    // One INSERT numbers its rows in VALUES order; RETURNING's row order is not promised.
                    Arrays.sort(ids);
                }
                return ids;
            }
            for (int i = 0; i < batch.size(); i++) {
                EventLog.bindRow(insertOne, 1, database.dialect(), batch.get(i), repeatOf[i]);
                insertOne.addBatch();
            }
            insertOne.executeBatch();
            int n = 0;
            try (ResultSet rs = insertOne.getGeneratedKeys()) {
                while (rs.next()) {
                    ids[n++] = rs.getLong(1);
                }
            }
            if (n != ids.length) {
                throw new SQLException("the driver returned " + n + " generated ids for " + ids.length + " inserted rows");
            }
            return ids;
        }

        /** Per lead: how many of the batch's lead events name it, and the last one's type. */
        private static Map<String, LeadSyncTable.Request> dueLeads(List<Delivery> batch) {
            // Sorted: two nodes upserting overlapping leads lock them in the same order, so they never deadlock.
            Map<String, LeadSyncTable.Request> due = new TreeMap<>();
            for (Delivery d : batch) {
                String leadId = d.value(Attribute.LEAD_ID);
                if (d.isLeadEvent() && leadId != null) {
                    due.merge(leadId, new LeadSyncTable.Request(1, d.eventType()),
                            (a, b) -> new LeadSyncTable.Request(a.count() + b.count(), b.reason()));
                }
            }
            return due;
        }

        /** {@link #storeArrays} with the handler deliveries' INSERT, prepared when a batch first queues any. */
        private PreparedStatement storeArraysQueueing() throws SQLException {
            if (storeArraysQueueing == null) {
                storeArraysQueueing = handle.getConnection().prepareStatement(EventLog.insertFromArraysSql(
                        !repeatWindow.isZero(), List.of(leadSync.markDueFromArraysSql(),
                                HandlerDeliveries.enqueueFromArraysSql(EventLog.STORED_ROWS))));
            }
            return storeArraysQueueing;
        }

        private Connection connection() throws SQLException {
            if (handle == null) {
                database.ensureMigrated();
                handle = database.jdbi().open();
                Optional<String> genericPlans = database.dialect().genericPlans();
                if (genericPlans.isPresent()) {
                    try (Statement st = handle.getConnection().createStatement()) {
                        st.execute(genericPlans.get());
                    }
                }
                insertReturning = !generatedKeysOnly
                        && database.dialect().insertReturning(handle.getConnection().getMetaData());
                if (insertReturning && database.dialect().bindsArrays()) {
                    storeArrays = handle.getConnection().prepareStatement(
                            EventLog.insertFromArraysSql(!repeatWindow.isZero(), List.of(leadSync.markDueFromArraysSql())));
                } else if (!insertReturning) {
                    insertOne = handle.getConnection().prepareStatement(EventLog.insertSql(1), Statement.RETURN_GENERATED_KEYS);
                }
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
                if (insertOne != null) {
                    insertOne.close();
                }
                if (storeArrays != null) {
                    storeArrays.close();
                }
                if (storeArraysQueueing != null) {
                    storeArraysQueueing.close();
                }
                handle.getConnection().setAutoCommit(true);
                Optional<String> resetPlans = database.dialect().resetPlans();
                if (resetPlans.isPresent()) {
                    try (Statement st = handle.getConnection().createStatement()) {
                        st.execute(resetPlans.get());
                    }
                }
            } catch (SQLException | RuntimeException ignored) {
                // best effort: a broken connection is evicted by the pool
            }
            try {
                handle.close();
            } catch (RuntimeException ignored) {
                // the pool discards a broken connection itself
            }
            handle = null;
            insertOne = null;
            storeArrays = null;
            storeArraysQueueing = null;
        }
    }

    /** A deadlock or serialization failure: SQLState class 40, on every supported database. */
    private static boolean isDeadlock(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("40")) {
                return true;
            }
        }
        return false;
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
            writer.thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending left;
        while ((left = writer.queue.poll()) != null) {
            left.result().completeExceptionally(new DatabaseUnavailableException("the webhook store shut down", null));
        }
    }
}
