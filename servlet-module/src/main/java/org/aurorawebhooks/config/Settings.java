package org.aurorawebhooks.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The effective configuration: every source read once in the documented precedence, validated,
 * then frozen. Instances are immutable and thread-safe.
 *
 * <p>Precedence, highest first: the sources given to {@link #load} in order (the filter passes its
 * init-params, then the servlet context's), Java system properties, environment variables, the
 * properties file named by {@code aurora.config}, built-in defaults.
 */
public final class Settings {
    private final Map<Key, Resolved> values;
    private final Map<String, String> routes;
    private final List<String> unknownKeys;

    /** One key's value and where it came from. */
    private record Resolved(String value, String source) {
    }

    private Settings(Map<Key, Resolved> values, Map<String, String> routes, List<String> unknownKeys) {
        this.values = values;
        this.routes = routes;
        this.unknownKeys = unknownKeys;
        validate();
    }

    /**
     * Reads {@code explicit} (highest precedence first), then system properties, the environment
     * and the {@code aurora.config} file.
     *
     * @throws ConfigException naming the key, its source and what was expected
     */
    public static Settings load(List<ConfigSource> explicit) {
        return load(explicit, System.getenv());
    }

    /** As {@link #load(List)}, with the environment given (tests). */
    public static Settings load(List<ConfigSource> explicit, Map<String, String> environment) {
        List<ConfigSource> sources = new ArrayList<>(explicit);
        sources.add(ConfigSource.systemProperties());
        sources.add(ConfigSource.environment(environment));
        String configFile = null;
        for (ConfigSource source : sources) {
            configFile = source.get(Key.CONFIG_FILE.key());
            if (configFile != null && !configFile.isBlank()) {
                break;
            }
        }
        if (configFile != null && !configFile.isBlank()) {
            sources.add(ConfigSource.propertiesFile(Path.of(configFile.trim())));
        }
        return resolve(sources);
    }

    /** Only the given sources and the defaults: no system properties, environment or file. */
    public static Settings of(Map<String, String> values) {
        return resolve(List.of(ConfigSource.of("given value", values)));
    }

    private static Settings resolve(List<ConfigSource> sources) {
        Map<Key, Resolved> values = new EnumMap<>(Key.class);
        for (Key key : Key.values()) {
            for (ConfigSource source : sources) {
                String value = source.get(key.key());
                if (value != null) {
                    values.put(key, new Resolved(value.trim(), source.describe(key.key())));
                    break;
                }
            }
            if (!values.containsKey(key) && key.defaultValue().isPresent()) {
                values.put(key, new Resolved(key.defaultValue().get(), "built-in default"));
            }
        }
        Map<String, String> routes = new LinkedHashMap<>();
        TreeSet<String> unknown = new TreeSet<>();
        // Iterate lowest precedence first so that higher sources overwrite routes.
        for (int i = sources.size() - 1; i >= 0; i--) {
            ConfigSource source = sources.get(i);
            for (String name : source.names()) {
                if (name.startsWith(Key.ROUTE_PREFIX)) {
                    routes.put(routePath(name, source), source.get(name).trim());
                } else if (name.startsWith("aurora.") && Key.byName(name).isEmpty()) {
                    unknown.add(name + " (" + source.describe(name) + ")");
                }
            }
        }
        return new Settings(values, Collections.unmodifiableMap(routes), List.copyOf(unknown));
    }

    private static String routePath(String name, ConfigSource source) {
        String path = name.substring(Key.ROUTE_PREFIX.length());
        if (!path.startsWith("/") || path.length() < 2 || path.contains("?") || path.contains("#")) {
            throw new ConfigException(name + " from " + source.describe(name) + ": the route \"" + path
                    + "\" is not a path; expected something like " + Key.ROUTE_PREFIX + "/lead_created_webhooks=lead_created");
        }
        return path;
    }

    private void validate() {
        String path = string(Key.WEBHOOKS_PATH);
        if (!path.startsWith("/") || path.endsWith("/") || path.contains("?") || path.contains("*")) {
            throw invalid(Key.WEBHOOKS_PATH, "a path that starts with / and does not end with /, e.g. /aurora/webhooks");
        }
        bool(Key.AUTH_DISABLED);
        positiveInt(Key.DB_POOL_SIZE);
        positiveInt(Key.API_REQUESTS_PER_MINUTE);
        positiveInt(Key.SYNC_WORKERS);
        lookback();
        repeatWindow();
        apiBaseUrl();
        int port = intValue(Key.SAMPLE_PORT);
        if (port < 0 || port > 65535) {
            throw invalid(Key.SAMPLE_PORT, "a port number between 0 and 65535");
        }
        if (values.containsKey(Key.SAMPLE_DEMO)) {
            bool(Key.SAMPLE_DEMO);
        }
        if (values.containsKey(Key.AUTH_HEADER_VALUE) != values.containsKey(Key.AUTH_HEADER_NAME)) {
            throw new ConfigException(Key.AUTH_HEADER_NAME.key() + " and " + Key.AUTH_HEADER_VALUE.key()
                    + " go together: set both (Aurora's header_auth_key and header_auth_value) or neither");
        }
        if (values.containsKey(Key.AUTH_HEADER_NAME) && !string(Key.AUTH_HEADER_NAME).matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            throw invalid(Key.AUTH_HEADER_NAME, "an HTTP header name (letters, digits and - only)");
        }
        if (values.containsKey(Key.AUTH_HEADER_VALUE) && headerValues().isEmpty()) {
            throw invalid(Key.AUTH_HEADER_VALUE, "one or more non-empty comma-separated values");
        }
        if (values.containsKey(Key.AUTH_BASIC_USERNAME) != values.containsKey(Key.AUTH_BASIC_PASSWORD)) {
            throw new ConfigException(Key.AUTH_BASIC_USERNAME.key() + " and " + Key.AUTH_BASIC_PASSWORD.key()
                    + " go together: set both or neither");
        }
        if (values.containsKey(Key.AUTH_BASIC_USERNAME) && string(Key.AUTH_BASIC_USERNAME).contains(":")) {
            throw invalid(Key.AUTH_BASIC_USERNAME, "a user name without ':' (HTTP basic auth cannot carry one)");
        }
        if (values.containsKey(Key.API_TOKEN) != values.containsKey(Key.API_TENANT_ID)) {
            throw new ConfigException(Key.API_TENANT_ID.key() + " and " + Key.API_TOKEN.key()
                    + " go together: set both to fetch leads from Aurora, or neither to only record deliveries");
        }
        if (!string(Key.DB_URL).startsWith("jdbc:")) {
            throw invalid(Key.DB_URL, "a JDBC URL such as jdbc:sqlite:aurora-webhooks.db or jdbc:postgresql://host/db");
        }
    }

    private ConfigException invalid(Key key, String expected) {
        Resolved r = values.get(key);
        String shown = key.isSecret() ? "the value" : "\"" + r.value() + "\"";
        return new ConfigException(key.key() + " from " + r.source() + ": " + shown + " is not " + expected);
    }

    /** The raw value of a key, or empty when neither a source nor a default gives one. */
    public Optional<String> get(Key key) {
        Resolved r = values.get(key);
        return r == null || r.value().isEmpty() ? Optional.empty() : Optional.of(r.value());
    }

    /** Where the key's value came from, e.g. "environment variable AURORA_DB_URL". */
    public String sourceOf(Key key) {
        Resolved r = values.get(key);
        return r == null ? "not set" : r.source();
    }

    private String string(Key key) {
        return get(key).orElseThrow(() -> new ConfigException(key.key() + " is required but not set"));
    }

    public boolean bool(Key key) {
        String v = string(key);
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw invalid(key, "true or false");
    }

    private int intValue(Key key) {
        try {
            return Integer.parseInt(string(key));
        } catch (NumberFormatException e) {
            throw invalid(key, "an integer");
        }
    }

    public int positiveInt(Key key) {
        int v;
        try {
            v = Integer.parseInt(string(key));
        } catch (NumberFormatException e) {
            throw invalid(key, "a positive integer");
        }
        if (v <= 0) {
            throw invalid(key, "a positive integer");
        }
        return v;
    }

    public String webhooksPath() {
        return string(Key.WEBHOOKS_PATH);
    }

    /** Extra exact paths (inside the context path) mapped to an event name. */
    public Map<String, String> routes() {
        return routes;
    }

    public Optional<String> headerName() {
        return get(Key.AUTH_HEADER_NAME);
    }

    /** Accepted header values: several during a rotation. */
    public List<String> headerValues() {
        List<String> out = new ArrayList<>();
        for (String v : get(Key.AUTH_HEADER_VALUE).orElse("").split(",")) {
            if (!v.isBlank()) {
                out.add(v.trim());
            }
        }
        return List.copyOf(out);
    }

    public Optional<String> basicUsername() {
        return get(Key.AUTH_BASIC_USERNAME);
    }

    public Optional<String> basicPassword() {
        return get(Key.AUTH_BASIC_PASSWORD);
    }

    public boolean authDisabled() {
        return bool(Key.AUTH_DISABLED);
    }

    public String dbUrl() {
        return string(Key.DB_URL);
    }

    public Optional<String> dbUsername() {
        return get(Key.DB_USERNAME);
    }

    public Optional<String> dbPassword() {
        return get(Key.DB_PASSWORD);
    }

    public int dbPoolSize() {
        return positiveInt(Key.DB_POOL_SIZE);
    }

    public URI apiBaseUrl() {
        String v = string(Key.API_BASE_URL);
        try {
            URI uri = new URI(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw invalid(Key.API_BASE_URL, "an http(s) URL such as https://api.aurorasolar.com");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw invalid(Key.API_BASE_URL, "an http(s) URL such as https://api.aurorasolar.com");
        }
    }

    public Optional<String> apiTenantId() {
        return get(Key.API_TENANT_ID);
    }

    public Optional<String> apiToken() {
        return get(Key.API_TOKEN);
    }

    /** True when a tenant and token are configured, so leads can be fetched. */
    public boolean apiConfigured() {
        return apiToken().isPresent() && apiTenantId().isPresent();
    }

    public int apiRequestsPerMinute() {
        return positiveInt(Key.API_REQUESTS_PER_MINUTE);
    }

    public int syncWorkers() {
        return positiveInt(Key.SYNC_WORKERS);
    }

    /** The Quartz cron expression, or empty when set to {@code off}. Validated by the scheduler. */
    public Optional<String> reconcilerCron() {
        String v = string(Key.RECONCILER_CRON);
        return v.equalsIgnoreCase("off") ? Optional.empty() : Optional.of(v);
    }

    public Duration lookback() {
        try {
            Duration d = Duration.parse(string(Key.RECONCILER_LOOKBACK));
            if (d.isNegative() || d.isZero()) {
                throw invalid(Key.RECONCILER_LOOKBACK, "a positive ISO-8601 duration such as P2D or PT12H");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw invalid(Key.RECONCILER_LOOKBACK, "an ISO-8601 duration such as P2D or PT12H");
        }
    }

    /** How far back an identical delivery makes a new one a repeat; zero ({@code off} or {@code PT0S}) for never. */
    public Duration repeatWindow() {
        String v = string(Key.REPEAT_WINDOW);
        if (v.equalsIgnoreCase("off")) {
            return Duration.ZERO;
        }
        try {
            Duration d = Duration.parse(v);
            if (d.isNegative()) {
                throw invalid(Key.REPEAT_WINDOW, "an ISO-8601 duration such as PT5M, or off");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw invalid(Key.REPEAT_WINDOW, "an ISO-8601 duration such as PT5M, or off");
        }
    }

    public int samplePort() {
        return intValue(Key.SAMPLE_PORT);
    }

    /** Demo mode: explicitly set, or by default on when no API token is configured. */
    public boolean sampleDemo() {
        return values.containsKey(Key.SAMPLE_DEMO) ? bool(Key.SAMPLE_DEMO) : apiToken().isEmpty();
    }

    /** {@code aurora.*} keys that some source sets but the library does not know: likely typos. */
    public List<String> unknownKeys() {
        return unknownKeys;
    }

    /** The effective configuration, one key per line, secrets masked: safe to log. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Key key : Key.values()) {
            Resolved r = values.get(key);
            if (r == null) {
                continue;
            }
            String shown = key.isSecret() ? "****" : r.value();
            if (key == Key.DB_URL) {
                shown = maskUrlPassword(shown);
            }
            sb.append(key.key()).append('=').append(shown).append("  (").append(r.source()).append(")\n");
        }
        routes.forEach((path, event) -> sb.append(Key.ROUTE_PREFIX).append(path).append('=').append(event).append('\n'));
        return sb.toString();
    }

    /** JDBC URLs may carry {@code password=...}; never print it. */
    public static String maskUrlPassword(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }
}
