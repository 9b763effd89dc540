package org.aurorawebhooks.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool, JDBI handle and schema migrations for one configured database. Opening does
 * not touch the database, so a host app starts even while it is down; {@link #ensureMigrated()}
 * runs the migrations on first use and again after a failure.
 *
 * <p>Thread-safe. SQLite runs in WAL mode with {@code synchronous=FULL}: a committed row survives
 * a power cut, not only a process crash.
 */
public final class Database implements AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicInteger POOLS = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.time.Duration POOL_THREADS_WAIT = java.time.Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    /** Flyway's history table, named so it never meets the host app's own Flyway history. */
    static final String HISTORY_TABLE = "aurora_schema_history";

    private final HikariDataSource pool;
    /** The pool as the library uses it: on SQLite, with this process's write transactions queued ({@link SqliteWriteGate}). */
    private final DataSource dataSource;
    private final Dialect dialect;
    private final Jdbi jdbi;
    private final String description;
    /** Where {@code aurora.db.url} came from, for messages: "environment variable AURORA_DB_URL", ... */
    private final String source;
    private final AtomicBoolean migrated = new AtomicBoolean();

    private Database(HikariDataSource pool, Dialect dialect, String description, String source) {
        this.pool = pool;
        this.dataSource = dialect == Dialect.SQLITE
                ? SqliteWriteGate.wrap(pool, pool.getJdbcUrl(), Dialect.SQLITE_BUSY_TIMEOUT_MILLIS) : pool;
        this.dialect = dialect;
        this.jdbi = Jdbi.create(dataSource);
        this.description = description;
        this.source = source;
    }

    /** Creates the pool without connecting. */
    public static Database open(Settings settings) {
        String url = settings.dbUrl();
        Dialect dialect = Dialect.of(url).orElseThrow(() -> new ConfigException(Key.DB_URL.key() + " from "
                + settings.sourceOf(Key.DB_URL) + ": \"" + Settings.maskUrlPassword(url)
                + "\" is not a supported database; expected jdbc:sqlite:..., jdbc:postgresql:... or "
                + "jdbc:mariadb:... (jdbc:mysql:... for MySQL 8.0+)"));
        HikariConfig config = new HikariConfig();
        // One name per pool: close() waits for exactly this pool's threads.
        config.setPoolName("aurora-webhooks-db-" + POOLS.incrementAndGet());
        config.setJdbcUrl(dialect.jdbcUrl(url));
        settings.dbUsername().ifPresent(config::setUsername);
        settings.dbPassword().ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.dbPoolSize());
        config.setMinimumIdle(Math.min(2, settings.dbPoolSize()));
        // Fail fast when the database is down: the filter answers 503 rather than holding Aurora's request.
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        config.setDriverClassName(dialect.driverClassName());
        dialect.configure(config);
        return new Database(new HikariDataSource(config), dialect, Settings.maskUrlPassword(url),
                settings.sourceOf(Key.DB_URL));
    }

    /**
     * Runs pending migrations unless they already ran in this process.
     *
     * @throws DatabaseUnavailableException when the database cannot be reached or migrated
     */
    public void ensureMigrated() {
        if (migrated.get()) {
            return;
        }
        synchronized (this) {
            if (migrated.get()) {
                return;
            }
            try {
                Flyway flyway = Flyway.configure(Database.class.getClassLoader())
                        .dataSource(pool)
                        .locations("classpath:db/aurora/" + dialect.vendor())
                        .table(HISTORY_TABLE)
                        // The host's database usually has tables of its own already.
                        .baselineOnMigrate(true)
                        .baselineVersion("0")
                        .load();
                int applied = flyway.migrate().migrationsExecuted;
                if (applied > 0) {
                    log.info("aurora-webhooks: applied {} schema migration(s) to {}", applied, description);
                }
                migrated.set(true);
            } catch (RuntimeException e) {
                throw unavailable("migrate the schema of", e);
            }
        }
    }

    /**
     * A connection from the pool, for the few callers that need JDBC itself (metadata); the caller closes it.
     *
     * @throws DatabaseUnavailableException naming the database, the key and the driver's reason
     */
    public Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw unavailable("connect to", e);
        }
    }

    /**
     * The one-line failure of doing something to this database: names the URL (password masked), the key
     * and its source, and the root cause. The pool's own words ("Connection is not available, request timed
     * out after 2001ms") say nothing a reader can act on; the driver's last failure, which the pool keeps as
     * the cause, does ({@code FATAL: database "x" does not exist}, {@code Connection refused}).
     *
     * @param doing what failed, completed by the URL: "connect to", "read", "migrate the schema of"
     */
    public DatabaseUnavailableException unavailable(String doing, Throwable e) {
        return new DatabaseUnavailableException("cannot " + doing + " " + description + " (" + Key.DB_URL.key()
                + " from " + source + "): " + rootCause(e), e);
    }

    /** The deepest message in the cause chain, on one line. */
    private static String rootCause(Throwable e) {
        String message = null;
        int depth = 0;
        for (Throwable t = e; t != null && depth++ < 20; t = t.getCause()) { // bounded: a chain may loop
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Whether the database answers now, asked through the pool (the driver's own validity check, no SQL of
     * ours); false also when no connection can be had.
     */
    public boolean reachable() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The JDBC URL with any password masked: safe for logs and messages. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        pool.close();
        awaitPoolThreads();
    }

    /**
     * HikariCP lets its threads (housekeeper, connection adder and closer) end on their own after close();
     * a container that checks for leaked threads right after an undeploy would still see them. Waits a
     * bounded time for this pool's own threads.
     */
    private void awaitPoolThreads() {
        String name = pool.getPoolName();
        long deadline = System.nanoTime() + POOL_THREADS_WAIT.toNanos();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long left = deadline - System.nanoTime();
            if ((t.getName().startsWith(name + " ") || t.getName().startsWith(name + ":")) && left > 0) {
                try {
                    t.join(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
