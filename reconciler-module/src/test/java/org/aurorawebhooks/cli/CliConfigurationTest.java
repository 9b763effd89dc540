package org.aurorawebhooks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every command does with the configuration and the database before its own work. */
class CliConfigurationTest {
    private static final String DB_PASSWORD = TestSecrets.fresh("db-password");

    @Test
    void mistypedKeysInTheConfigFileAndTheEnvironmentAreReportedOnStderrWithADidYouMean(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("events.db");
        Map<String, String> config = Map.of("aurora.db.url", "jdbc:sqlite:" + db, "aurora.api.tennant-id", "t1");
        CliRun run = CliRun.runWithEnvironment(config, Map.of("AURORA_RECONCILER_LOOK_BACK", "P1D",
                "AURORA_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1/test"), "status");
        assertTrue(run.err().contains("aurora-reconciler: unknown configuration key, ignored: aurora.api.tennant-id (file "),
                run.err());
        assertTrue(run.err().contains("): did you mean aurora.api.tenant-id?"), run.err());
        assertTrue(run.err().contains("aurora-reconciler: unknown configuration key, ignored: AURORA_RECONCILER_LOOK_BACK "
                + "(environment variable): did you mean AURORA_RECONCILER_LOOKBACK (aurora.reconciler.lookback)?"), run.err());
        assertFalse(run.err().contains("AURORA_TEST_POSTGRES_URL"), run.err());
    }

    @Test
    void statusRefusesAnSqliteFileThatDoesNotExistWithExit3AndCreatesNothing(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("missing.db");
        CliRun run = CliRun.run(Map.of("aurora.db.url", "jdbc:sqlite:" + db), "status");
        assertEquals(3, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().startsWith("database: jdbc:sqlite:" + db + " (aurora.db.url from file "), run.out());
        assertTrue(run.err().contains("the SQLite database " + db + " does not exist (aurora.db.url from file "), run.err());
        assertTrue(run.err().contains("status only reads a database and does not create one"), run.err());
        assertFalse(Files.exists(db), "status created " + db);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("missing.db")).toList());
        }
    }

    @Test
    void statusWithAnEmptyDbUrlUsesTheDefaultAndDoesNotCreateItsFile() throws Exception {
        // The default URL is relative to the working directory; this test only runs where none exists yet.
        Path defaultFile = Path.of("aurora-webhooks.db");
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(defaultFile), "aurora-webhooks.db exists in the working directory");
        // An empty AURORA_DB_URL counts as not set: the default applies rather than "required but not set".
        CliRun run = CliRun.runWithEnvironment(Map.of(), Map.of("AURORA_DB_URL", ""), "status");
        assertEquals(3, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().startsWith("database: jdbc:sqlite:aurora-webhooks.db (aurora.db.url from built-in default)"), run.out());
        assertTrue(run.err().contains(defaultFile.toAbsolutePath() + " does not exist (aurora.db.url from built-in default)"), run.err());
        assertFalse(Files.exists(defaultFile));
    }

    @Test
    void statusOnAnExistingDatabaseWithoutOurTablesReportsThemMissingAndCreatesNone(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("empty.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.createStatement().execute("CREATE TABLE host_table (id INTEGER)");
        }
        CliRun run = CliRun.run(Map.of("aurora.db.url", "jdbc:sqlite:" + db), "status");
        assertEquals(3, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("has no aurora_reconcile_runs, aurora_lead_sync table yet"), run.err());
        assertEquals(List.of("host_table"), tables("jdbc:sqlite:" + db));
    }

    @Test
    void statusOnPostgresqlWithoutOurTablesDoesNotMigrate() throws Exception {
        Map<String, String> config = TestDatabases.freshPostgres();
        CliRun run = CliRun.run(config, "status");
        assertEquals(3, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("has no aurora_reconcile_runs, aurora_lead_sync table yet"), run.err());
        String schema = config.get("aurora.db.url").replaceAll(".*currentSchema=", "");
        long ours = Jdbi.create(config.get("aurora.db.url")).withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = :s").bind("s", schema).mapTo(Long.class).one());
        assertEquals(0, ours);
    }

    @Test
    void databasePasswordIsMaskedInTheFirstLine(@TempDir Path dir) throws Exception {
        CliRun run = CliRun.run(Map.of("aurora.db.url", "jdbc:postgresql://127.0.0.1:1/x?user=u&password=" + DB_PASSWORD), "status");
        assertTrue(run.out().startsWith("database: jdbc:postgresql://127.0.0.1:1/x?user=u&password=**** (aurora.db.url from file "),
                run.out());
        assertFalse(run.out().contains(DB_PASSWORD) || run.err().contains(DB_PASSWORD), run.out() + run.err());
        assertEquals(3, run.exitCode());
    }

    private static final String BAD_CRON_MESSAGE = "aurora-reconciler: aurora.reconciler.cron from environment variable "
            + "AURORA_RECONCILER_CRON: \"bad\" is not a Quartz cron expression (seconds minutes hours day-of-month month "
            + "day-of-week, e.g. 0 0 2 * * ?), nor off";

    @Test
    void statusWithABadCronExits2NamingTheKeyItsSourceAndTheValueAndCreatesNoDatabase(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("aurora-webhooks.db");
        CliRun run = CliRun.runWithEnvironment(Map.of("aurora.db.url", "jdbc:sqlite:" + db),
                Map.of("AURORA_RECONCILER_CRON", "bad"), "status");
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertEquals(List.of(BAD_CRON_MESSAGE), run.err().lines().toList(), run.err());
        assertEquals(List.of(), files(dir), "nothing created");
    }

    @Test
    void scheduleWithABadCronExits2BeforeItCreatesOrMigratesTheDatabase(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("aurora-webhooks.db");
        CliRun run = CliRun.runWithEnvironment(Map.of("aurora.db.url", "jdbc:sqlite:" + db,
                "aurora.api.tenant-id", "t1", "aurora.api.token", TestSecrets.fresh("api-token")), Map.of("AURORA_RECONCILER_CRON", "bad"), "schedule");
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertEquals(List.of(BAD_CRON_MESSAGE), run.err().lines().toList(), run.err());
        assertEquals(List.of(), files(dir), "nothing created");
    }

    @Test
    void aPostgresqlDatabaseThatDoesNotExistIsOneLineNamingTheUrlTheKeyAndTheServersReason() throws Exception {
        String url = TestDatabases.postgresUrl().replaceFirst("/test(\\?|$)", "/no_such_db_aurora$1");
        CliRun run = CliRun.run(Map.of("aurora.db.url", url), "status");
        assertEquals(3, run.exitCode(), run.out() + run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("aurora-reconciler: cannot connect to " + url + " (aurora.db.url from file "),
                run.err());
        assertTrue(run.err().strip().endsWith("): FATAL: database \"no_such_db_aurora\" does not exist"), run.err());
        assertFalse(run.err().contains("Connection is not available"), run.err());
    }

    @Test
    void aClosedDatabasePortIsOneLineNamingTheKeyAndConnectionRefused() throws Exception {
        CliRun run = CliRun.run(Map.of("aurora.db.url", "jdbc:postgresql://127.0.0.1:1/x?user=u&password=" + DB_PASSWORD,
                "aurora.api.tenant-id", "t1", "aurora.api.token", TestSecrets.fresh("api-token")), "reconcile");
        assertEquals(3, run.exitCode(), run.out() + run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("aurora-reconciler: cannot migrate the schema of jdbc:postgresql://127.0.0.1:1/x"
                + "?user=u&password=**** (aurora.db.url from file "), run.err());
        assertTrue(run.err().strip().endsWith("): Connection refused"), run.err());
        assertFalse(run.err().contains(DB_PASSWORD), run.err());
    }

    @Test
    void statusWhereTheCurrentSchemaDoesNotExistReportsTheTablesMissingEvenWhenAnotherSchemaHasThem() throws Exception {
        Map<String, String> other = TestDatabases.freshPostgres();
        try (Database database = Database.open(Settings.of(other))) {
            database.ensureMigrated(); // our tables exist in another schema of the same database
        }
        String schema = "nosuch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String base = TestDatabases.postgresUrl();
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        CliRun run = CliRun.run(Map.of("aurora.db.url", url), "status");
        assertEquals(3, run.exitCode(), run.out() + run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains(url + " (aurora.db.url from file "), run.err());
        assertTrue(run.err().contains("has no aurora_reconcile_runs, aurora_lead_sync table yet"), run.err());
    }

    private static List<Path> files(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }

    private static List<String> tables(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            List<String> names = new java.util.ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
            return names;
        }
    }
}
