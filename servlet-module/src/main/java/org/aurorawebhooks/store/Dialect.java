package org.aurorawebhooks.store;

import com.zaxxer.hikari.HikariConfig;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Calendar;
import java.util.Locale;
import java.util.TimeZone;
import java.util.Optional;

/**
 * Everything that differs between the supported databases, in one place (the shape of db-scheduler's
 * per-database customizations): the driver and its settings, how a timestamp of a public table is
 * bound and read, upsert and insert-if-absent syntax, whether {@code RETURNING} exists, row locking
 * for claims, and the Quartz delegate. The classes that own a table build their SQL from these
 * pieces and contain no database names themselves.
 */
public enum Dialect {
    /** Timestamps as fixed-width ISO-8601 UTC text, so they sort and compare as strings. */
    SQLITE("sqlite", "org.sqlite.JDBC") {
        @Override
        public Object timestamp(Instant instant) {
            return instant == null ? null : ISO_MILLIS.format(instant);
        }

        @Override
        public Instant readTimestamp(ResultSet rs, String column) throws SQLException {
            String s = rs.getString(column);
            return s == null ? null : Instant.parse(s);
        }

        @Override
        void configure(HikariConfig config) {
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", "FULL");
            config.addDataSourceProperty("busy_timeout", Long.toString(SQLITE_BUSY_TIMEOUT_MILLIS));
            config.addDataSourceProperty("foreign_keys", "true");
            // Writers take the write lock when their transaction begins, so they queue on busy_timeout; a
            // deferred transaction that reads first and then writes would fail at once with SQLITE_BUSY.
            config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        }

        @Override
        public String forUpdateSkipLocked() {
            return ""; // SQLite serializes writers: a single UPDATE is already exclusive
        }

        @Override
        String byKeyOnly() {
            return " NOT INDEXED"; // the INTEGER PRIMARY KEY stays usable
        }

        @Override
        boolean beginsTransactionAtCommit() {
            return true;
        }

        @Override
        public String epochMinute(String column) {
            return "(CAST(strftime('%s', " + column + ") AS INTEGER) / 60)";
        }
    },
    /** Timestamps as {@code TIMESTAMPTZ}. */
    POSTGRESQL("postgresql", "org.postgresql.Driver") {
        @Override
        public Object timestamp(Instant instant) {
            return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
        }

        @Override
        public Instant readTimestamp(ResultSet rs, String column) throws SQLException {
            Timestamp t = rs.getTimestamp(column);
            return t == null ? null : t.toInstant();
        }

        @Override
        void configure(HikariConfig config) {
            config.addDataSourceProperty("connectTimeout", "3");
            config.addDataSourceProperty("socketTimeout", "30");
            config.addDataSourceProperty("ApplicationName", "aurora-webhooks");
            // No JIT: our statements are short OLTP ones, and the handler claim's cost estimate (a subquery per
            // candidate row) crosses jit_above_cost as soon as the table is analysed, which made every claim
            // compile for 20-100 ms to run for 1 ms (measured on PostgreSQL 15 with 30,000 pending rows).
            config.addDataSourceProperty("options", "-c jit=off");
        }

        @Override
        boolean bindsArrays() {
            return true;
        }

        @Override
        Optional<String> genericPlans() {
            return Optional.of("SET plan_cache_mode = force_generic_plan");
        }

        @Override
        Optional<String> resetPlans() {
            return Optional.of("RESET plan_cache_mode");
        }

        @Override
        public Optional<String> quartzDelegate() {
            return Optional.of("org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        }

        @Override
        public String epochMinute(String column) {
            return "CAST(FLOOR(EXTRACT(EPOCH FROM " + column + ") / 60) AS BIGINT)";
        }
    },
    /**
     * MariaDB 10.6+ and MySQL 8.0+ (both URL schemes go to MariaDB Connector/J). Timestamps as
     * {@code DATETIME(3)} holding UTC, bound as a {@link LocalDateTime} in UTC and read with a UTC calendar: a
     * {@code DATETIME} is never converted by the session time zone (a {@code TIMESTAMP} would be), and
     * neither is ever converted by the JVM's default zone (a {@code java.sql.Timestamp} would be).
     */
    MARIADB("mariadb", "org.mariadb.jdbc.Driver") {
        @Override
        public Object timestamp(Instant instant) {
            return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        }

        @Override
        public Instant readTimestamp(ResultSet rs, String column) throws SQLException {
            // With a UTC calendar: MariaDB Connector/J decodes a DATETIME through the JVM's default zone for
            // getString and getObject(LocalDateTime) alike, which moves a UTC wall time that zone skips
            // (02:30 on a spring-forward night in Berlin) by an hour.
            Timestamp t = rs.getTimestamp(column, Calendar.getInstance(TimeZone.getTimeZone("UTC")));
            return t == null ? null : t.toInstant();
        }

        @Override
        void configure(HikariConfig config) {
            config.addDataSourceProperty("connectTimeout", "3000");
            config.addDataSourceProperty("socketTimeout", "30000");
            config.addDataSourceProperty("connectionAttributes", "program_name:aurora-webhooks");
            // READ COMMITTED, as on PostgreSQL, instead of InnoDB's REPEATABLE READ: there a transaction reads from
            // one snapshot taken at its first read, which can be older than the rows a locking read of the same
            // transaction then takes. A dispatcher can claim handler deliveries committed after that snapshot and
            // read their events from it: the events look pruned, and the deliveries were buried as dead letters (119
            // of 20,000 at 1,000 deliveries/s, MariaDB 10.11; ClaimSnapshotTest). Each statement now reads what was
            // committed before it began, and locking reads take no gap locks between the rows they read.
            config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        }

        @Override
        public String jdbcUrl(String url) {
            // MariaDB Connector/J accepts jdbc:mysql: only with permitMysqlScheme; the protocol is the same.
            return url.startsWith(MYSQL_SCHEME) ? "jdbc:mariadb:" + url.substring(MYSQL_SCHEME.length()) : url;
        }

        @Override
        public String upsert(String table, String keyColumn) {
            return " ON DUPLICATE KEY UPDATE ";
        }

        @Override
        public String inserted(String column) {
            // VALUES() is what MariaDB understands; MySQL 8 still accepts it (with a deprecation note).
            return "VALUES(" + column + ")";
        }

        @Override
        public String doNothingOnConflict(String keyColumn) {
            // Not INSERT IGNORE: that would also turn real errors (a too-long value) into warnings.
            return " ON DUPLICATE KEY UPDATE " + keyColumn + " = " + keyColumn;
        }

        @Override
        public boolean hasReturning() {
            return false; // MariaDB has INSERT ... RETURNING since 10.5, MySQL has none, neither has UPDATE ... RETURNING
        }

        @Override
        boolean insertReturning(DatabaseMetaData server) throws SQLException {
            return server.getDatabaseProductName().toLowerCase(Locale.ROOT).contains("mariadb");
        }

        @Override
        public Optional<String> quartzDelegate() {
            return Optional.of("org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        }

        @Override
        public String epochMinute(String column) {
            // Not UNIX_TIMESTAMP(): it would read the DATETIME in the session's time zone.
            return "TIMESTAMPDIFF(MINUTE, '1970-01-01', " + column + ")";
        }
    };

    private static final String MYSQL_SCHEME = "jdbc:mysql:";
    /** How long a SQLite writer waits for another's lock (the driver's busy_timeout, and {@link SqliteWriteGate}'s wait). */
    static final long SQLITE_BUSY_TIMEOUT_MILLIS = 10_000;
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String vendor;
    private final String driverClassName;

    Dialect(String vendor, String driverClassName) {
        this.vendor = vendor;
        this.driverClassName = driverClassName;
    }

    /** The folder of this database's migrations under {@code db/aurora/}. */
    String vendor() {
        return vendor;
    }

    String driverClassName() {
        return driverClassName;
    }

    /** The URL to hand the driver. */
    String jdbcUrl(String url) {
        return url;
    }

    /** Driver settings: fail fast while the database is down, name the application. */
    abstract void configure(HikariConfig config);

    /** The value to bind for a timestamp column of a public table. */
    public abstract Object timestamp(Instant instant);

    public abstract Instant readTimestamp(ResultSet rs, String column) throws SQLException;

    /**
     * What follows {@code INSERT ... VALUES (...)} to update the existing row instead; then come the
     * assignments, which refer to the proposed values through {@link #inserted(String)} and to the
     * existing row as {@code table.column}.
     */
    public String upsert(String table, String keyColumn) {
        return " ON CONFLICT (" + keyColumn + ") DO UPDATE SET ";
    }

    /** The value an upsert proposed for {@code column}. */
    public String inserted(String column) {
        return "excluded." + column;
    }

    /** What follows {@code INSERT ... VALUES (...)} to leave an existing row alone, without an error. */
    public String doNothingOnConflict(String keyColumn) {
        return " ON CONFLICT (" + keyColumn + ") DO NOTHING";
    }

    /**
     * Whether {@code INSERT/UPDATE ... RETURNING} exists. Without it, inserted ids come from the
     * driver's generated keys and a claim is a locking {@code SELECT} followed by an {@code UPDATE}.
     */
    public boolean hasReturning() {
        return true;
    }

    /**
     * Whether this server has {@code INSERT ... RETURNING}, so a multi-row INSERT returns its ids
     * (MariaDB has it since 10.5; MySQL has none, there ids come from a JDBC batch's generated keys).
     */
    boolean insertReturning(DatabaseMetaData server) throws SQLException {
        return hasReturning();
    }

    /**
     * Whether a statement can take a column of values as one array parameter ({@code unnest}), and a
     * sequence value can be drawn in a query. Then the event writer stores a batch, whatever its size,
     * with one statement text that the server prepares once, in one round trip: PostgreSQL re-parses
     * and re-plans a multi-row {@code VALUES} for every new number of rows.
     */
    boolean bindsArrays() {
        return false;
    }

    /**
     * The statement with which a connection that runs one statement many times (the event writer's) makes the
     * server keep one plan for it; empty where there is nothing to switch. PostgreSQL otherwise re-plans a
     * prepared statement on each run while a plan for the values at hand looks cheaper than the kept one, as it
     * does for the writer's small batches: planning its statement then cost more than running it (a third of the
     * server's time at 1,000 deliveries/s). The statement is built so that its one plan is good on an empty
     * table as on a large one (see {@link EventLog#insertFromArraysSql}).
     */
    Optional<String> genericPlans() {
        return Optional.empty();
    }

    /** The statement that undoes {@link #genericPlans()} before the connection goes back to the pool. */
    Optional<String> resetPlans() {
        return Optional.empty();
    }

    /**
     * Whether the driver, with autocommit off, begins the next transaction as soon as one commits: then a
     * writer must switch autocommit back on after each commit, or it holds the database's write lock while
     * it waits for the next batch (SQLite's driver does this).
     */
    boolean beginsTransactionAtCommit() {
        return false;
    }

    /**
     * Put after a table's name in an {@code UPDATE} that names its rows by primary key ({@code id IN (...)})
     * and also filters on an indexed column such as {@code status}: makes the database look the rows up by
     * key. SQLite, without statistics, prefers the index on {@code status = 'pending'} and reads every pending
     * row (the whole backlog) to mark a few dozen done: measured, draining a backlog got slower the longer it
     * was. The others plan from statistics: nothing.
     */
    String byKeyOnly() {
        return "";
    }

    /** The clause that makes concurrent claimers skip each other's rows instead of waiting. */
    public String forUpdateSkipLocked() {
        return " FOR UPDATE SKIP LOCKED";
    }

    /** An SQL expression for the whole minutes since the epoch (UTC) of a timestamp column of a public table. */
    public abstract String epochMinute(String column);

    /** Quartz's driver delegate for a clustered job store; empty where Quartz keeps triggers in memory. */
    public Optional<String> quartzDelegate() {
        return Optional.empty();
    }

    /** The dialect of a JDBC URL, or empty when the database is not one the library supports. */
    static Optional<Dialect> of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return Optional.of(SQLITE);
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return Optional.of(POSTGRESQL);
        }
        if (jdbcUrl.startsWith("jdbc:mariadb:") || jdbcUrl.startsWith(MYSQL_SCHEME)) {
            return Optional.of(MARIADB);
        }
        return Optional.empty();
    }
}
