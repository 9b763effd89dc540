package org.aurorawebhooks.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Real databases for tests: a fresh SQLite file, a fresh schema in the PostgreSQL server named by
 * {@code AURORA_TEST_POSTGRES_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}),
 * or a fresh database in the MariaDB server named by {@code AURORA_TEST_MARIADB_URL} (default
 * {@code jdbc:mariadb://127.0.0.1:3306/test?user=root}). Without a reachable server, its tests are
 * skipped with a notice, except under {@code CI=true} where they fail: CI must never pass by skipping them.
 */
public final class TestDatabases {
    public static final String POSTGRES_URL_VARIABLE = "AURORA_TEST_POSTGRES_URL";
    private static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    public static final String MARIADB_URL_VARIABLE = "AURORA_TEST_MARIADB_URL";
    private static final String DEFAULT_MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test?user=root";

    static {
        // DriverManager finds drivers once, through the context class loader of its first caller. When that
        // caller is a webapp under test (its own, relocated drivers), the test's drivers are never found:
        // loading them here registers them, whoever used DriverManager first.
        for (String driver : new String[] {"org.sqlite.JDBC", "org.postgresql.Driver", "org.mariadb.jdbc.Driver"}) {
            try {
                Class.forName(driver);
            } catch (ClassNotFoundException e) {
                throw new ExceptionInInitializerError("the test class path lacks the JDBC driver " + driver);
            }
        }
    }

    private TestDatabases() {
    }

    /**
     * A connection for a test to look into a database that a webapp under test is using. On SQLite it is
     * read-only: the test and the webapp load two copies of the SQLite library, which do not see each
     * other's locks, and a read-write connection closing last (in its own view) checkpoints and removes
     * the WAL under the webapp's feet, corrupting the file.
     */
    public static Connection inspect(String jdbcUrl) throws SQLException {
        java.util.Properties properties = new java.util.Properties();
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            properties.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
        }
        return DriverManager.getConnection(jdbcUrl, properties);
    }

    /** The kinds of database every integration test runs against. */
    public enum Kind {
        SQLITE, POSTGRESQL, MARIADB
    }

    /** Configuration (aurora.db.*) for a new, empty database of the given kind. */
    public static Map<String, String> fresh(Kind kind) {
        return switch (kind) {
            case SQLITE -> freshSqlite();
            case POSTGRESQL -> freshPostgres();
            case MARIADB -> freshMariadb();
        };
    }

    public static Map<String, String> freshSqlite() {
        try {
            Path dir = Files.createTempDirectory("aurora-test-");
            dir.toFile().deleteOnExit();
            Map<String, String> config = new LinkedHashMap<>();
            config.put("aurora.db.url", "jdbc:sqlite:" + dir.resolve("events.db"));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String postgresUrl() {
        String url = System.getenv(POSTGRES_URL_VARIABLE);
        return url == null || url.isBlank() ? DEFAULT_POSTGRES_URL : url;
    }

    /** A new schema in the test PostgreSQL database; the URL selects it as the current schema. */
    public static Map<String, String> freshPostgres() {
        String base = postgresUrl();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String notice = "PostgreSQL is not reachable at " + base + " (" + e.getMessage() + "); start it with "
                    + "'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start' or set "
                    + POSTGRES_URL_VARIABLE;
            unreachable(notice);
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("aurora.db.url", base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        return config;
    }

    public static String mariadbUrl() {
        String url = System.getenv(MARIADB_URL_VARIABLE);
        return url == null || url.isBlank() ? DEFAULT_MARIADB_URL : url;
    }

    /** A new database on the test MariaDB server; the URL names it instead of the server's test database. */
    public static Map<String, String> freshMariadb() {
        String base = mariadbUrl();
        String database = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            unreachable("MariaDB is not reachable at " + base + " (" + e.getMessage() + "); start it with "
                    + "'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd' or set "
                    + MARIADB_URL_VARIABLE);
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("aurora.db.url", withDatabase(base, database));
        return config;
    }

    /** {@code jdbc:mariadb://host:port/db?opts} with {@code db} replaced. */
    static String withDatabase(String url, String database) {
        int hostStart = url.indexOf("//") + 2;
        int query = url.indexOf('?') < 0 ? url.length() : url.indexOf('?');
        int slash = url.indexOf('/', hostStart);
        int hostEnd = slash < 0 || slash > query ? query : slash;
        return url.substring(0, hostEnd) + "/" + database + url.substring(query);
    }

    private static void unreachable(String notice) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(notice);
        }
        System.err.println("SKIPPED: " + notice);
        assumeTrue(false, notice);
    }
}
