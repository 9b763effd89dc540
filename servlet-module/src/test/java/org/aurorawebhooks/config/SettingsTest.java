package org.aurorawebhooks.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @Test
    void precedenceIsFilterThenContextThenEnvironmentThenFileThenDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("aurora.properties");
        Files.writeString(file, "aurora.db.url=jdbc:sqlite:from-file.db\naurora.api.requests-per-minute=30\n"
                + "aurora.reconciler.lookback=PT6H\naurora.sync.workers=3\n");
        Settings s = Settings.load(List.of(
                ConfigSource.of("filter init-param", Map.of("aurora.db.url", "jdbc:sqlite:from-filter.db")),
                ConfigSource.of("context init-param", Map.of("aurora.db.url", "jdbc:sqlite:from-context.db",
                        "aurora.api.requests-per-minute", "45", "aurora.config", file.toString()))),
                Map.of("AURORA_API_REQUESTS_PER_MINUTE", "60", "AURORA_RECONCILER_LOOKBACK", "PT12H"));
        assertEquals("jdbc:sqlite:from-filter.db", s.dbUrl());
        assertEquals("filter init-param", s.sourceOf(Key.DB_URL));
        assertEquals(45, s.apiRequestsPerMinute());
        assertEquals(Duration.ofHours(12), s.lookback());
        assertEquals("environment variable AURORA_RECONCILER_LOOKBACK", s.sourceOf(Key.RECONCILER_LOOKBACK));
        assertEquals(3, s.syncWorkers());
        assertEquals("file " + file, s.sourceOf(Key.SYNC_WORKERS));
        assertEquals("/aurora/webhooks", s.webhooksPath());
        assertEquals("built-in default", s.sourceOf(Key.WEBHOOKS_PATH));
    }

    @Test
    void badValueNamesKeySourceAndExpectation() {
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.load(List.of(),
                Map.of("AURORA_API_REQUESTS_PER_MINUTE", "ninety")));
        assertEquals("aurora.api.requests-per-minute from environment variable AURORA_API_REQUESTS_PER_MINUTE: "
                + "\"ninety\" is not a positive integer", e.getMessage());
    }

    @Test
    void unknownKeysAreReportedWithTheirSourceAndADidYouMean() {
        Settings s = Settings.load(List.of(ConfigSource.of("filter init-param", Map.of("aurora.db.ulr", "x",
                "aurora.something-else-entirely", "y"))), Map.of());
        assertEquals(List.of("aurora.db.ulr (filter init-param): did you mean aurora.db.url?",
                "aurora.something-else-entirely (filter init-param)"), s.unknownKeys());
    }

    @Test
    void mistypedKeyInTheConfigFileIsReportedWithADidYouMean(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("aurora.properties");
        Files.writeString(file, "aurora.api.tennant-id=t1\naurora.api.token=" + TestSecrets.fresh("api-token") + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.load(List.of(), Map.of("AURORA_CONFIG", file.toString())));
        // The typo also leaves the token without its tenant: the pair rule names both keys.
        assertTrue(e.getMessage().contains("aurora.api.tenant-id and aurora.api.token go together"), e.getMessage());

        Files.writeString(file, "aurora.api.tennant-id=t1\n");
        Settings s = Settings.load(List.of(), Map.of("AURORA_CONFIG", file.toString()));
        assertEquals(List.of("aurora.api.tennant-id (file " + file + "): did you mean aurora.api.tenant-id?"), s.unknownKeys());
    }

    @Test
    void mistypedSystemPropertyIsReported() {
        System.setProperty("aurora.reconciler.look-back", "P1D");
        try {
            Settings s = Settings.load(List.of(), Map.of());
            assertEquals(List.of("aurora.reconciler.look-back (system property): did you mean aurora.reconciler.lookback?"),
                    s.unknownKeys());
        } finally {
            System.clearProperty("aurora.reconciler.look-back");
        }
    }

    @Test
    void mistypedEnvironmentVariablesAreReportedButOtherSoftwaresAuroraVariablesAreNot() {
        Settings s = Settings.load(List.of(), Map.of(
                "AURORA_RECONCILER_LOOK_BACK", "P1D",         // in our reconciler group
                "AURORA_DB_USER", "app",                      // in our db group, a truncated key
                "AURORA_APITOKEN", TestSecrets.fresh("api-token"), // outside our groups, one edit from AURORA_API_TOKEN
                "AURORA_TEST_POSTGRES_URL", "jdbc:postgresql://h/test", // this project's tests
                "AURORA_CLUSTER_ENDPOINT", "db.cluster.example", // Amazon Aurora tooling
                "AURORA_DB_URL", "jdbc:sqlite:x.db",
                "PATH", "/bin"));
        assertEquals(List.of(
                "AURORA_APITOKEN (environment variable): did you mean AURORA_API_TOKEN (aurora.api.token)?",
                "AURORA_DB_USER (environment variable): did you mean AURORA_DB_USERNAME (aurora.db.username)?",
                "AURORA_RECONCILER_LOOK_BACK (environment variable): did you mean AURORA_RECONCILER_LOOKBACK "
                        + "(aurora.reconciler.lookback)?"), s.unknownKeys());
    }

    @Test
    void emptyValueCountsAsNotSetSoLowerSourcesAndTheDefaultApply(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("aurora.properties");
        Files.writeString(file, "aurora.api.requests-per-minute=30\naurora.sync.workers=\n");
        Settings s = Settings.load(List.of(ConfigSource.of("filter init-param", Map.of("aurora.api.requests-per-minute", " "))),
                Map.of("AURORA_DB_URL", "", "AURORA_CONFIG", file.toString(), "AURORA_API_TENANT_ID", ""));
        assertEquals("jdbc:sqlite:aurora-webhooks.db", s.dbUrl());
        assertEquals("built-in default", s.sourceOf(Key.DB_URL));
        assertEquals(30, s.apiRequestsPerMinute());
        assertEquals("file " + file, s.sourceOf(Key.API_REQUESTS_PER_MINUTE));
        assertEquals(2, s.syncWorkers());
        assertTrue(s.apiTenantId().isEmpty());
        assertEquals("not set", s.sourceOf(Key.API_TENANT_ID));
    }

    @Test
    void applicationKeysAreResolvedWithTheSamePrecedenceAndNotReportedAsUnknown() {
        ApplicationKeys sample = () -> java.util.Set.of("aurora.sample.port", "aurora.sample.demo");
        Settings s = Settings.load(List.of(ConfigSource.of("filter init-param", Map.of("aurora.sample.port", "9090"))),
                Map.of("AURORA_SAMPLE_PORT", "7070", "AURORA_SAMPLE_DEMO", "false"), List.of(sample));
        assertEquals(List.of(), s.unknownKeys());
        assertEquals("9090", s.applicationValue("aurora.sample.port").orElseThrow());
        assertEquals("environment variable AURORA_SAMPLE_DEMO", s.applicationSourceOf("aurora.sample.demo"));
        assertEquals("false", s.applicationValue("aurora.sample.demo").orElseThrow());
        assertTrue(s.describe().contains("aurora.sample.port=9090  (filter init-param)"), s.describe());

        // Without the declaration the library does not know them.
        Settings plain = Settings.load(List.of(ConfigSource.of("filter init-param", Map.of("aurora.sample.port", "9090"))),
                Map.of(), List.of());
        assertEquals(List.of("aurora.sample.port (filter init-param)"), plain.unknownKeys());
    }

    @Test
    void applicationValidationStopsTheLoadWithTheKeyAndSource() {
        ApplicationKeys sample = new ApplicationKeys() {
            @Override
            public java.util.Set<String> keys() {
                return java.util.Set.of("aurora.sample.port");
            }

            @Override
            public void validate(Settings settings) {
                if (!settings.applicationValue("aurora.sample.port").orElse("0").matches("\\d{1,5}")) {
                    throw settings.invalidApplicationValue("aurora.sample.port", "a port number between 0 and 65535", false);
                }
            }
        };
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.load(List.of(),
                Map.of("AURORA_SAMPLE_PORT", "eighty"), List.of(sample)));
        assertEquals("aurora.sample.port from environment variable AURORA_SAMPLE_PORT: \"eighty\" is not a port number "
                + "between 0 and 65535", e.getMessage());
    }

    @Test
    void everyValueIsParsedAtLoadSoABadOneFailsBeforeAnyAccessor() {
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.of(Map.of("aurora.reconciler.lookback", "2 days")));
        assertEquals("aurora.reconciler.lookback from given value: \"2 days\" is not an ISO-8601 duration such as P2D or PT12H",
                e.getMessage());
    }

    @Test
    void describeMasksSecretsAndUrlPasswords() {
        String token = TestSecrets.fresh("webhook-token");
        String apiToken = TestSecrets.fresh("api-token");
        String dbPassword = TestSecrets.fresh("db-password");
        Settings s = Settings.of(Map.of("aurora.webhooks.auth.header-name", "X-T",
                "aurora.webhooks.auth.header-value", token, "aurora.api.token", apiToken, "aurora.api.tenant-id", "t",
                "aurora.db.url", "jdbc:postgresql://h/db?user=u&password=" + dbPassword));
        String d = s.describe();
        assertFalse(d.contains(token));
        assertFalse(d.contains(apiToken));
        assertFalse(d.contains(dbPassword));
        assertTrue(d.contains("aurora.webhooks.auth.header-value=****"));
    }

    @Test
    void halfConfiguredPairsAreRefusedNamingBothKeys() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Settings.of(Map.of("aurora.api.token", TestSecrets.fresh("api-token"))));
        assertTrue(e.getMessage().contains("aurora.api.tenant-id and aurora.api.token go together"), e.getMessage());
    }

    @Test
    void adminCredentialIsBothKeysOrNeitherAndNeverAWebhookCredential() {
        ConfigException half = assertThrows(ConfigException.class, () -> Settings.of(Map.of("aurora.admin.username", "ops")));
        assertTrue(half.getMessage().contains("aurora.admin.username and aurora.admin.password go together"), half.getMessage());
        String sharedSecret = TestSecrets.fresh("admin-password");
        String newToken = TestSecrets.fresh("webhook-token");
        ConfigException shared = assertThrows(ConfigException.class, () -> Settings.of(Map.of(
                "aurora.webhooks.auth.header-name", "X-T", "aurora.webhooks.auth.header-value", newToken + "," + sharedSecret,
                "aurora.admin.username", "ops", "aurora.admin.password", sharedSecret)));
        assertTrue(shared.getMessage().contains("aurora.admin.password from ") && shared.getMessage().contains("webhook credential"),
                shared.getMessage());
        assertFalse(shared.getMessage().contains(sharedSecret), "the message never shows the secret");
        String adminPassword = TestSecrets.fresh("admin-password");
        Settings ok = Settings.of(Map.of("aurora.admin.username", "ops", "aurora.admin.password", adminPassword));
        assertEquals("ops", ok.adminUsername().orElseThrow());
        assertFalse(ok.describe().contains(adminPassword), ok.describe());
    }

    @Test
    void headerValuesListEveryRotationValue() {
        String newToken = TestSecrets.fresh("webhook-token-new");
        String oldToken = TestSecrets.fresh("webhook-token-old");
        Settings s = Settings.of(Map.of("aurora.webhooks.auth.header-name", "X-T",
                "aurora.webhooks.auth.header-value", " " + newToken + " , " + oldToken + " ,"));
        assertEquals(List.of(newToken, oldToken), s.headerValues());
    }

    @Test
    void cronOffDisablesTheSchedule() {
        assertTrue(Settings.of(Map.of("aurora.reconciler.cron", "off")).reconcilerCron().isEmpty());
        assertEquals("0 0 2 * * ?", Settings.of(Map.of()).reconcilerCron().orElseThrow());
    }
}
