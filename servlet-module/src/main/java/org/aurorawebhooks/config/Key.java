package org.aurorawebhooks.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Every configuration key the library reads, with its default. The README's configuration table
 * is checked against this list by a test, so the two cannot drift apart. Keys that only an application
 * built on the library reads (the sample's {@code aurora.sample.*}) are not here: the application
 * declares them through {@link ApplicationKeys}.
 */
public enum Key {
    CONFIG_FILE("aurora.config", null, false),
    WEBHOOKS_PATH("aurora.webhooks.path", "/aurora/webhooks", false),
    AUTH_HEADER_NAME("aurora.webhooks.auth.header-name", null, false),
    AUTH_HEADER_VALUE("aurora.webhooks.auth.header-value", null, true),
    AUTH_BASIC_USERNAME("aurora.webhooks.auth.basic-username", null, false),
    AUTH_BASIC_PASSWORD("aurora.webhooks.auth.basic-password", null, true),
    AUTH_DISABLED("aurora.webhooks.auth.disabled", "false", false),
    REPEAT_WINDOW("aurora.webhooks.repeat-window", "PT5M", false),
    DB_URL("aurora.db.url", "jdbc:sqlite:aurora-webhooks.db", false),
    DB_USERNAME("aurora.db.username", null, false),
    DB_PASSWORD("aurora.db.password", null, true),
    DB_POOL_SIZE("aurora.db.pool-size", "8", false),
    API_BASE_URL("aurora.api.base-url", "https://api.aurorasolar.com", false),
    API_TENANT_ID("aurora.api.tenant-id", null, false),
    API_TOKEN("aurora.api.token", null, true),
    API_REQUESTS_PER_MINUTE("aurora.api.requests-per-minute", "90", false),
    SYNC_WORKERS("aurora.sync.workers", "2", false),
    RECONCILER_CRON("aurora.reconciler.cron", "0 0 2 * * ?", false),
    RECONCILER_LOOKBACK("aurora.reconciler.lookback", "P2D", false),
    HANDLERS_WORKERS("aurora.handlers.workers", "4", false),
    HANDLERS_RETRY_SCHEDULE("aurora.handlers.retry-schedule", "PT10S,PT1M,PT10M,PT1H,PT6H", false),
    HANDLERS_TIMEOUT("aurora.handlers.timeout", "PT1M", false),
    RETENTION_EVENTS("aurora.retention.events", "P90D", false),
    ADMIN_USERNAME("aurora.admin.username", null, false),
    ADMIN_PASSWORD("aurora.admin.password", null, true);

    /** Prefix of the extra exact routes: {@code aurora.webhooks.route./some/path=lead_created}. */
    public static final String ROUTE_PREFIX = "aurora.webhooks.route.";

    /** Every key starts with this. */
    static final String PREFIX = "aurora.";

    /** Every key's environment variable starts with this. */
    static final String ENVIRONMENT_PREFIX = "AURORA_";

    private final String name;
    private final String defaultValue;
    private final boolean secret;

    Key(String name, String defaultValue, boolean secret) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.secret = secret;
    }

    /** The dotted key, e.g. {@code aurora.db.url}. */
    public String key() {
        return name;
    }

    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** Secret values are never logged, echoed in errors, or shown by {@code status}. */
    public boolean isSecret() {
        return secret;
    }

    /** The environment variable that carries this key: upper case, {@code .} and {@code -} become {@code _}. */
    public String environmentVariable() {
        return environmentVariable(name);
    }

    static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static Optional<Key> byName(String key) {
        for (Key k : values()) {
            if (k.name.equals(key)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
