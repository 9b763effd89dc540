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
    void unknownKeysAreReportedWithTheirSource() {
        Settings s = Settings.load(List.of(ConfigSource.of("filter init-param", Map.of("aurora.db.ulr", "x"))), Map.of());
        assertEquals(List.of("aurora.db.ulr (filter init-param)"), s.unknownKeys());
    }

    @Test
    void describeMasksSecretsAndUrlPasswords() {
        Settings s = Settings.of(Map.of("aurora.webhooks.auth.header-name", "X-T",
                "aurora.webhooks.auth.header-value", "tok-123", "aurora.api.token", "api-456", "aurora.api.tenant-id", "t",
                "aurora.db.url", "jdbc:postgresql://h/db?user=u&password=pw-789"));
        String d = s.describe();
        assertFalse(d.contains("tok-123"));
        assertFalse(d.contains("api-456"));
        assertFalse(d.contains("pw-789"));
        assertTrue(d.contains("aurora.webhooks.auth.header-value=****"));
    }

    @Test
    void halfConfiguredPairsAreRefusedNamingBothKeys() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Settings.of(Map.of("aurora.api.token", "x")));
        assertTrue(e.getMessage().contains("aurora.api.tenant-id and aurora.api.token go together"), e.getMessage());
    }

    @Test
    void headerValuesListEveryRotationValue() {
        Settings s = Settings.of(Map.of("aurora.webhooks.auth.header-name", "X-T",
                "aurora.webhooks.auth.header-value", " new , old ,"));
        assertEquals(List.of("new", "old"), s.headerValues());
    }

    @Test
    void cronOffDisablesTheSchedule() {
        assertTrue(Settings.of(Map.of("aurora.reconciler.cron", "off")).reconcilerCron().isEmpty());
        assertEquals("0 0 2 * * ?", Settings.of(Map.of()).reconcilerCron().orElseThrow());
    }
}
