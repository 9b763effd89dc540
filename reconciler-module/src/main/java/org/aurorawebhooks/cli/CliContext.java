package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.config.ConfigSource;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.reconcile.ReconcileSchedule;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.DatabaseUnavailableException;
import org.aurorawebhooks.store.Dialect;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The option every command takes, {@code --config FILE}, and loading the configuration from it. The
 * file is read as {@code aurora.config}: system properties and environment variables still take
 * precedence over it, as everywhere else. Loading reports unknown keys on stderr, as the webapp does
 * in its log.
 */
final class CliContext {
    private static final String SQLITE_PREFIX = "jdbc:sqlite:";

    /** The environment the CLI runs in: {@link Main#run} sets it, tests pass their own. */
    static volatile Map<String, String> environment = System.getenv();

    @Option(names = "--config", paramLabel = "FILE", description = "properties file with aurora.* keys")
    Path config;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec command;

    Settings settings() {
        if (config != null && !Files.isReadable(config)) {
            throw new ConfigException("--config: cannot read " + config);
        }
        List<ConfigSource> sources = config == null ? List.of()
                : List.of(ConfigSource.of("command line", Map.of(Key.CONFIG_FILE.key(), config.toString())));
        Settings settings = Settings.load(sources, environment);
        PrintWriter err = command.commandLine().getErr();
        for (String unknown : settings.unknownKeys()) {
            err.println("aurora-reconciler: unknown configuration key, ignored: " + unknown);
        }
        err.flush();
        // Every command, not only schedule: a bad cron is a bad configuration wherever it is read, and
        // schedule must refuse it before it creates or migrates a database.
        ReconcileSchedule.requireValidCron(settings);
        return settings;
    }

    /** The line every database command starts with: which database, from where, password masked. */
    static String databaseLine(Settings settings) {
        return "database: " + settings.dbUrlMasked() + " (" + Key.DB_URL.key() + " from " + settings.sourceOf(Key.DB_URL) + ")";
    }

    /** Opens the database and migrates it, for commands that write: they cannot do anything useful without it. */
    static Database openDatabase(Settings settings) {
        Database database = Database.open(settings);
        try {
            database.ensureMigrated();
            return database;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * Opens the database for a command that only reads: never creates it (an SQLite file that does not
     * exist is refused before the driver would create it) and never migrates it (missing tables are
     * reported, not created).
     *
     * @param tables the tables the command reads
     * @throws DatabaseUnavailableException naming the database and the key, when it is not there to read
     */
    static Database openForReading(Settings settings, String commandName, String... tables) {
        Optional<Path> file = sqliteFile(settings.dbUrl());
        if (file.isPresent() && !Files.exists(file.get())) {
            throw new DatabaseUnavailableException("the SQLite database " + file.get().toAbsolutePath()
                    + " does not exist (" + Key.DB_URL.key() + " from " + settings.sourceOf(Key.DB_URL) + "); "
                    + commandName + " only reads a database and does not create one: set " + Key.DB_URL.key()
                    + " to the database the webapp uses", null);
        }
        Database database = Database.open(settings);
        try {
            List<String> missing = missingTables(database, tables);
            if (!missing.isEmpty()) {
                throw new DatabaseUnavailableException(settings.dbUrlMasked() + " (" + Key.DB_URL.key() + " from "
                        + settings.sourceOf(Key.DB_URL) + ") has no " + String.join(", ", missing) + " table yet: the webapp "
                        + "or a reconcile run creates the tables; " + commandName + " only reads them", null);
            }
            return database;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** The file of an SQLite URL, or empty for an in-memory database or another database. */
    static Optional<Path> sqliteFile(String url) {
        if (!url.startsWith(SQLITE_PREFIX)) {
            return Optional.empty();
        }
        String rest = url.substring(SQLITE_PREFIX.length());
        String params = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            params = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        if (rest.isEmpty() || rest.startsWith(":memory:") || rest.startsWith(":resource:")
                || params.toLowerCase(Locale.ROOT).contains("mode=memory")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(rest));
    }

    /** The tables that do not exist, read from the driver's metadata (no DDL, nothing created). */
    static List<String> missingTables(Database database, String... tables) {
        List<String> missing = new ArrayList<>();
        try (Connection c = database.connection()) {
            DatabaseMetaData meta = c.getMetaData();
            String schema = c.getSchema();
            for (String table : tables) {
                if (!exists(database, meta, c.getCatalog(), schema, table)
                        && !exists(database, meta, c.getCatalog(), schema, table.toUpperCase(Locale.ROOT))) {
                    missing.add(table);
                }
            }
        } catch (SQLException e) {
            throw database.unavailable("read", e);
        }
        return missing;
    }

    /**
     * Whether the table is in the connection's own schema: a table of the same name in another schema
     * (another app's, another test's) does not count, since unqualified queries would not find it.
     */
    private static boolean exists(Database database, DatabaseMetaData meta, String catalog, String schema, String table)
            throws SQLException {
        if (schema == null && database.dialect() == Dialect.POSTGRESQL) {
            // No schema of the search path exists (currentSchema names one that was never created): an
            // unqualified name resolves to nothing, while a null pattern would match every schema.
            return false;
        }
        try (ResultSet rs = meta.getTables(catalog, schema, table, null)) {
            return rs.next();
        }
    }

    static void requireApi(Settings settings) {
        if (!settings.apiConfigured()) {
            throw new ConfigException(Key.API_TENANT_ID.key() + " and " + Key.API_TOKEN.key()
                    + " must be set to talk to Aurora (environment variables AURORA_API_TENANT_ID and AURORA_API_TOKEN, "
                    + "or the --config file)");
        }
    }

    /** The line every command talking to Aurora starts with. */
    static String apiLine(Settings settings) {
        return "Aurora API: " + settings.apiBaseUrl() + ", tenant " + settings.apiTenantId().orElse("(not set)");
    }
}
