package org.aurorawebhooks.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.config.ConfigSource;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import picocli.CommandLine.Option;

/**
 * The option every command takes, {@code --config FILE}, and loading the configuration from it. The
 * file is read as {@code aurora.config}: system properties and environment variables still take
 * precedence over it, as everywhere else.
 */
final class CliContext {
    /** The environment the CLI runs in: {@link Main#run} sets it, tests pass their own. */
    static volatile Map<String, String> environment = System.getenv();

    @Option(names = "--config", paramLabel = "FILE", description = "properties file with aurora.* keys")
    Path config;

    Settings settings() {
        if (config != null && !Files.isReadable(config)) {
            throw new ConfigException("--config: cannot read " + config);
        }
        List<ConfigSource> sources = config == null ? List.of()
                : List.of(ConfigSource.of("command line", Map.of(Key.CONFIG_FILE.key(), config.toString())));
        return Settings.load(sources, environment);
    }

    /** Opens the database and migrates it: the CLI cannot do anything useful without it. */
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

    static void requireApi(Settings settings) {
        if (!settings.apiConfigured()) {
            throw new ConfigException(Key.API_TENANT_ID.key() + " and " + Key.API_TOKEN.key()
                    + " must be set to talk to Aurora (environment variables AURORA_API_TENANT_ID and AURORA_API_TOKEN, "
                    + "or the --config file)");
        }
    }
}
