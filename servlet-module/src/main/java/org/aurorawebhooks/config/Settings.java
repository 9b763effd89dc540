package org.aurorawebhooks.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.aurorawebhooks.internal.NameSuggestions;

/**
 * The effective configuration: every source read once in the documented precedence, each key parsed
 * once into a typed value, every cross-key rule checked, then frozen. Instances are immutable and
 * thread-safe.
 *
 * <p>Precedence, highest first: the sources given to {@link #load} in order (the filter passes its
 * init-params, then the servlet context's), Java system properties, environment variables, the
 * properties file named by {@code aurora.config}, built-in defaults. An empty (or blank) value counts
 * as not set: the next source, or the default, applies.
 *
 * <p>Unknown keys are collected with a did-you-mean in {@link #unknownKeys()}: every {@code aurora.*}
 * key of a listing source (init-params, system properties, the file) that is neither a library key,
 * nor a route, nor declared by the application ({@link ApplicationKeys}). The environment is shared
 * with other software (Amazon Aurora's tools use {@code AURORA_} too, and so do this project's tests),
 * so an {@code AURORA_*} variable is reported only when it looks like ours: it starts with the prefix
 * of one of our key groups ({@code AURORA_DB_}, {@code AURORA_API_}, ...) or is at most
 * {@value #ENVIRONMENT_TYPO_DISTANCE} edits away from one of our variables.
 */
public final class Settings {
    /** How close an {@code AURORA_*} variable outside our key groups must be to one of ours to be reported. */
    static final int ENVIRONMENT_TYPO_DISTANCE = 2;
    private static final String DEFAULT_SOURCE = "built-in default";

    private final Map<Key, Resolved> values;
    private final Map<String, Resolved> applicationValues;
    private final Map<String, String> routes;
    private final List<String> unknownKeys;

    // Each key parsed once, at load.
    private final String webhooksPath;
    private final String headerName;
    private final List<String> headerValues;
    private final String basicUsername;
    private final String basicPassword;
    private final boolean authDisabled;
    private final String dbUrl;
    private final String dbUsername;
    private final String dbPassword;
    private final int dbPoolSize;
    private final URI apiBaseUrl;
    private final String apiTenantId;
    private final String apiToken;
    private final int apiRequestsPerMinute;
    private final int syncWorkers;
    private final String reconcilerCron;
    private final Duration lookback;
    private final Duration repeatWindow;
    private final int handlerWorkers;
    private final List<Duration> retrySchedule;
    private final Duration handlerTimeout;
    private final Duration eventRetention;
    private final String adminUsername;
    private final String adminPassword;

    /** One key's value and where it came from. */
    private record Resolved(String value, String source) {
    }

    private Settings(Map<Key, Resolved> values, Map<String, Resolved> applicationValues, Map<String, String> routes,
                     List<String> unknownKeys) {
        this.values = values;
        this.applicationValues = applicationValues;
        this.routes = routes;
        this.unknownKeys = unknownKeys;
        this.webhooksPath = parseWebhooksPath();
        this.headerName = get(Key.AUTH_HEADER_NAME).orElse(null);
        this.headerValues = parseList(Key.AUTH_HEADER_VALUE);
        this.basicUsername = get(Key.AUTH_BASIC_USERNAME).orElse(null);
        this.basicPassword = get(Key.AUTH_BASIC_PASSWORD).orElse(null);
        this.authDisabled = bool(Key.AUTH_DISABLED);
        this.dbUrl = parseDbUrl();
        this.dbUsername = get(Key.DB_USERNAME).orElse(null);
        this.dbPassword = get(Key.DB_PASSWORD).orElse(null);
        this.dbPoolSize = positiveInt(Key.DB_POOL_SIZE);
        this.apiBaseUrl = parseApiBaseUrl();
        this.apiTenantId = get(Key.API_TENANT_ID).orElse(null);
        this.apiToken = get(Key.API_TOKEN).orElse(null);
        this.apiRequestsPerMinute = positiveInt(Key.API_REQUESTS_PER_MINUTE);
        this.syncWorkers = positiveInt(Key.SYNC_WORKERS);
        String cron = string(Key.RECONCILER_CRON);
        this.reconcilerCron = cron.equalsIgnoreCase("off") ? null : cron;
        this.lookback = parseLookback();
        this.repeatWindow = parseRepeatWindow();
        this.handlerWorkers = positiveInt(Key.HANDLERS_WORKERS);
        this.retrySchedule = parseRetrySchedule();
        this.handlerTimeout = positiveDuration(Key.HANDLERS_TIMEOUT, "PT1M");
        String retention = string(Key.RETENTION_EVENTS);
        this.eventRetention = retention.equalsIgnoreCase("off") ? null : positiveDuration(Key.RETENTION_EVENTS, "P90D, or off");
        this.adminUsername = get(Key.ADMIN_USERNAME).orElse(null);
        this.adminPassword = get(Key.ADMIN_PASSWORD).orElse(null);
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

    /** As {@link #load(List)}, with the environment given (tests, the CLI). */
    public static Settings load(List<ConfigSource> explicit, Map<String, String> environment) {
        return load(explicit, environment, declaredApplicationKeys());
    }

    /** As {@link #load(List, Map)}, with the application's keys given instead of looked up. */
    static Settings load(List<ConfigSource> explicit, Map<String, String> environment,
                         Collection<ApplicationKeys> applications) {
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
        return resolve(sources, applications);
    }

    /** Only the given values and the defaults: no system properties, environment or file. */
    public static Settings of(Map<String, String> values) {
        return resolve(List.of(ConfigSource.of("given value", values)), declaredApplicationKeys());
    }

    /** The {@link ApplicationKeys} declared in the library's and the thread's class loader. */
    private static List<ApplicationKeys> declaredApplicationKeys() {
        Map<String, ApplicationKeys> found = new LinkedHashMap<>();
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(Settings.class.getClassLoader());
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != Settings.class.getClassLoader()) {
            loaders.add(context);
        }
        for (ClassLoader loader : loaders) {
            try {
                for (ApplicationKeys keys : ServiceLoader.load(ApplicationKeys.class, loader)) {
                    found.putIfAbsent(keys.getClass().getName(), keys);
                }
            } catch (ServiceConfigurationError e) {
                throw new ConfigException("META-INF/services/" + ApplicationKeys.class.getName()
                        + " names a class that cannot be loaded: " + e.getMessage());
            }
        }
        return List.copyOf(found.values());
    }

    private static Settings resolve(List<ConfigSource> sources, Collection<ApplicationKeys> applications) {
        Map<Key, Resolved> values = new EnumMap<>(Key.class);
        for (Key key : Key.values()) {
            first(sources, key.key()).or(() -> key.defaultValue().map(d -> new Resolved(d, DEFAULT_SOURCE)))
                    .ifPresent(r -> values.put(key, r));
        }
        Set<String> applicationKeys = new TreeSet<>();
        for (ApplicationKeys application : applications) {
            applicationKeys.addAll(application.keys());
        }
        Map<String, Resolved> applicationValues = new TreeMap<>();
        for (String key : applicationKeys) {
            first(sources, key).ifPresent(r -> applicationValues.put(key, r));
        }
        Map<String, String> known = new TreeMap<>();
        for (Key key : Key.values()) {
            known.put(key.key(), key.environmentVariable());
        }
        for (String key : applicationKeys) {
            known.put(key, Key.environmentVariable(key));
        }
        Map<String, String> keyOfVariable = new TreeMap<>();
        known.forEach((key, variable) -> keyOfVariable.put(variable, key));
        Map<String, String> routes = new LinkedHashMap<>();
        Set<String> unknown = new TreeSet<>();
        // Lowest precedence first, so that higher sources overwrite routes.
        for (int i = sources.size() - 1; i >= 0; i--) {
            ConfigSource source = sources.get(i);
            for (String name : source.names()) {
                if (source.isEnvironment()) {
                    unknownVariable(name, keyOfVariable).ifPresent(unknown::add);
                } else if (name.startsWith(Key.ROUTE_PREFIX)) {
                    String event = source.get(name);
                    if (event != null && !event.isBlank()) {
                        routes.put(routePath(name, source), event.trim());
                    }
                } else if (name.startsWith(Key.PREFIX) && !known.containsKey(name)) {
                    String suggestion = NameSuggestions.closest(name, known.keySet())
                            .map(k -> ": did you mean " + k + "?").orElse("");
                    unknown.add(name + " (" + source.describe(name) + ")" + suggestion);
                }
            }
        }
        Settings settings = new Settings(values, Collections.unmodifiableMap(applicationValues),
                Collections.unmodifiableMap(routes), List.copyOf(unknown));
        for (ApplicationKeys application : applications) {
            application.validate(settings);
        }
        return settings;
    }

    /** The highest source's non-blank value of {@code key}: an empty value counts as not set. */
    private static Optional<Resolved> first(List<ConfigSource> sources, String key) {
        for (ConfigSource source : sources) {
            String value = source.get(key);
            if (value != null && !value.isBlank()) {
                return Optional.of(new Resolved(value.trim(), source.describe(key)));
            }
        }
        return Optional.empty();
    }

    /** An {@code AURORA_*} variable that is none of ours but looks like it was meant to be (see the class comment). */
    private static Optional<String> unknownVariable(String variable, Map<String, String> keyOfVariable) {
        if (keyOfVariable.containsKey(variable)) {
            return Optional.empty();
        }
        Optional<String> closest = NameSuggestions.closest(variable, keyOfVariable.keySet());
        boolean ourGroup = false;
        for (String var : keyOfVariable.keySet()) {
            int group = var.indexOf('_', Key.ENVIRONMENT_PREFIX.length());
            if (group > 0 && variable.startsWith(var.substring(0, group + 1))) {
                ourGroup = true;
                break;
            }
        }
        boolean nearlyOurs = closest.isPresent()
                && NameSuggestions.distance(variable, closest.get()) <= ENVIRONMENT_TYPO_DISTANCE;
        if (!ourGroup && !nearlyOurs) {
            return Optional.empty();
        }
        return Optional.of(variable + " (environment variable)"
                + closest.map(v -> ": did you mean " + v + " (" + keyOfVariable.get(v) + ")?").orElse(""));
    }

    private static String routePath(String name, ConfigSource source) {
        String path = name.substring(Key.ROUTE_PREFIX.length());
        if (!path.startsWith("/") || path.length() < 2 || path.contains("?") || path.contains("#")) {
            throw new ConfigException(name + " from " + source.describe(name) + ": the route \"" + path
                    + "\" is not a path; expected something like " + Key.ROUTE_PREFIX + "/lead_created_webhooks=lead_created");
        }
        return path;
    }

    private String parseWebhooksPath() {
        String path = string(Key.WEBHOOKS_PATH);
        if (!path.startsWith("/") || path.endsWith("/") || path.contains("?") || path.contains("*")) {
            throw invalid(Key.WEBHOOKS_PATH, "a path that starts with / and does not end with /, e.g. /aurora/webhooks");
        }
        return path;
    }

    private List<String> parseList(Key key) {
        List<String> out = new ArrayList<>();
        for (String v : get(key).orElse("").split(",")) {
            if (!v.isBlank()) {
                out.add(v.trim());
            }
        }
        return List.copyOf(out);
    }

    private String parseDbUrl() {
        String url = string(Key.DB_URL);
        if (!url.startsWith("jdbc:")) {
            throw invalid(Key.DB_URL, "a JDBC URL such as jdbc:sqlite:aurora-webhooks.db, jdbc:postgresql://host/db or jdbc:mariadb://host/db");
        }
        return url;
    }

    private URI parseApiBaseUrl() {
        String v = string(Key.API_BASE_URL);
        try {
            URI uri = new URI(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
            if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw invalid(Key.API_BASE_URL, "an http(s) URL such as https://api.aurorasolar.com");
    }

    private Duration parseLookback() {
        Duration d;
        try {
            d = Duration.parse(string(Key.RECONCILER_LOOKBACK));
        } catch (DateTimeParseException e) {
            throw invalid(Key.RECONCILER_LOOKBACK, "an ISO-8601 duration such as P2D or PT12H");
        }
        if (d.isNegative() || d.isZero()) {
            throw invalid(Key.RECONCILER_LOOKBACK, "a positive ISO-8601 duration such as P2D or PT12H");
        }
        return d;
    }

    private Duration parseRepeatWindow() {
        String v = string(Key.REPEAT_WINDOW);
        if (v.equalsIgnoreCase("off")) {
            return Duration.ZERO;
        }
        try {
            Duration d = Duration.parse(v);
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw invalid(Key.REPEAT_WINDOW, "an ISO-8601 duration such as PT5M, or off");
    }

    private List<Duration> parseRetrySchedule() {
        String v = string(Key.HANDLERS_RETRY_SCHEDULE);
        if (v.equalsIgnoreCase("none")) {
            return List.of();
        }
        List<Duration> out = new ArrayList<>();
        for (String part : v.split(",", -1)) {
            try {
                Duration d = Duration.parse(part.trim());
                if (!d.isNegative() && !d.isZero()) {
                    out.add(d);
                    continue;
                }
            } catch (DateTimeParseException e) {
                // reported below
            }
            throw invalid(Key.HANDLERS_RETRY_SCHEDULE, "a comma-separated list of positive ISO-8601 durations such as "
                    + "PT10S,PT1M,PT10M (the waits between attempts), or none; \"" + part.trim() + "\" is not one");
        }
        return List.copyOf(out);
    }

    /** A positive ISO-8601 duration; {@code example} ends the message. */
    private Duration positiveDuration(Key key, String example) {
        try {
            Duration d = Duration.parse(string(key));
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw invalid(key, "a positive ISO-8601 duration such as " + example);
    }

    /** The rules between keys; each key's own format was checked when it was parsed. */
    private void validate() {
        if (values.containsKey(Key.AUTH_HEADER_VALUE) && headerValues.isEmpty()) {
            throw invalid(Key.AUTH_HEADER_VALUE, "one or more non-empty comma-separated values");
        }
        if ((headerName == null) != headerValues.isEmpty()) {
            throw new ConfigException(Key.AUTH_HEADER_NAME.key() + " and " + Key.AUTH_HEADER_VALUE.key()
                    + " go together: set both (Aurora's header_auth_key and header_auth_value) or neither");
        }
        if (headerName != null && !headerName.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            throw invalid(Key.AUTH_HEADER_NAME, "an HTTP header name (letters, digits and - only)");
        }
        if ((basicUsername == null) != (basicPassword == null)) {
            throw new ConfigException(Key.AUTH_BASIC_USERNAME.key() + " and " + Key.AUTH_BASIC_PASSWORD.key()
                    + " go together: set both or neither");
        }
        if (basicUsername != null && basicUsername.contains(":")) {
            throw invalid(Key.AUTH_BASIC_USERNAME, "a user name without ':' (HTTP basic auth cannot carry one)");
        }
        validateAdmin();
        if ((apiToken == null) != (apiTenantId == null)) {
            throw new ConfigException(Key.API_TENANT_ID.key() + " and " + Key.API_TOKEN.key()
                    + " go together: set both to fetch leads from Aurora, or neither to only record deliveries");
        }
    }

    /**
     * The console's credential: both keys or neither, a user name basic auth can carry, and a password
     * that is not a webhook credential. Aurora (and whoever can read a subscription) holds those; the
     * console must never open to them.
     */
    private void validateAdmin() {
        if ((adminUsername == null) != (adminPassword == null)) {
            throw new ConfigException(Key.ADMIN_USERNAME.key() + " and " + Key.ADMIN_PASSWORD.key()
                    + " go together: set both to open the operator console, or neither to keep it closed (404)");
        }
        if (adminUsername == null) {
            return;
        }
        if (adminUsername.isEmpty() || adminUsername.contains(":")) {
            throw invalid(Key.ADMIN_USERNAME, "a non-empty user name without ':' (HTTP basic auth cannot carry one)");
        }
        if (adminPassword.isEmpty()) {
            throw invalid(Key.ADMIN_PASSWORD, "a non-empty password");
        }
        if (adminPassword.equals(basicPassword) || headerValues.contains(adminPassword)) {
            throw new ConfigException(Key.ADMIN_PASSWORD.key() + " from " + sourceOf(Key.ADMIN_PASSWORD)
                    + " is also a webhook credential (" + Key.AUTH_BASIC_PASSWORD.key() + " or " + Key.AUTH_HEADER_VALUE.key()
                    + "): Aurora holds those; give the operator console a password of its own");
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
        return r == null ? Optional.empty() : Optional.of(r.value());
    }

    /** Where the key's value came from, e.g. "environment variable AURORA_DB_URL". */
    public String sourceOf(Key key) {
        Resolved r = values.get(key);
        return r == null ? "not set" : r.source();
    }

    /**
     * The raw value of a key an application declared through {@link ApplicationKeys}, or empty when
     * no source sets it (or the key was not declared).
     */
    public Optional<String> applicationValue(String key) {
        Resolved r = applicationValues.get(key);
        return r == null ? Optional.empty() : Optional.of(r.value());
    }

    /** Where an application key's value came from, or "not set". */
    public String applicationSourceOf(String key) {
        Resolved r = applicationValues.get(key);
        return r == null ? "not set" : r.source();
    }

    /**
     * A message for an application key's bad value, in the library's words: key, source, value,
     * expectation (the value is not shown when {@code secret}).
     */
    public ConfigException invalidApplicationValue(String key, String expected, boolean secret) {
        Resolved r = applicationValues.get(key);
        String shown = r == null ? "no value" : secret ? "the value" : "\"" + r.value() + "\"";
        return new ConfigException(key + " from " + applicationSourceOf(key) + ": " + shown + " is not " + expected);
    }

    private String string(Key key) {
        return get(key).orElseThrow(() -> new ConfigException(key.key() + " is required but not set"));
    }

    /** Parses a key as {@code true}/{@code false}. */
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

    /** Parses a key as an integer above zero. */
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
        return webhooksPath;
    }

    /** Extra exact paths (inside the context path) mapped to an event name. */
    public Map<String, String> routes() {
        return routes;
    }

    public Optional<String> headerName() {
        return Optional.ofNullable(headerName);
    }

    /** Accepted header values: several during a rotation. */
    public List<String> headerValues() {
        return headerValues;
    }

    public Optional<String> basicUsername() {
        return Optional.ofNullable(basicUsername);
    }

    public Optional<String> basicPassword() {
        return Optional.ofNullable(basicPassword);
    }

    public boolean authDisabled() {
        return authDisabled;
    }

    /** True when a header or basic-auth credential for incoming webhooks is configured. */
    public boolean webhookCredentialConfigured() {
        return headerName != null || basicUsername != null;
    }

    public String dbUrl() {
        return dbUrl;
    }

    /** The database URL with any password in it masked: safe to print. */
    public String dbUrlMasked() {
        return maskUrlPassword(dbUrl);
    }

    public Optional<String> dbUsername() {
        return Optional.ofNullable(dbUsername);
    }

    public Optional<String> dbPassword() {
        return Optional.ofNullable(dbPassword);
    }

    public int dbPoolSize() {
        return dbPoolSize;
    }

    public URI apiBaseUrl() {
        return apiBaseUrl;
    }

    public Optional<String> apiTenantId() {
        return Optional.ofNullable(apiTenantId);
    }

    public Optional<String> apiToken() {
        return Optional.ofNullable(apiToken);
    }

    /** True when a tenant and token are configured, so leads can be fetched. */
    public boolean apiConfigured() {
        return apiToken != null && apiTenantId != null;
    }

    public int apiRequestsPerMinute() {
        return apiRequestsPerMinute;
    }

    public int syncWorkers() {
        return syncWorkers;
    }

    /** The Quartz cron expression, or empty when set to {@code off}. Validated by the scheduler. */
    public Optional<String> reconcilerCron() {
        return Optional.ofNullable(reconcilerCron);
    }

    public Duration lookback() {
        return lookback;
    }

    /** How far back an identical delivery makes a new one a repeat; zero ({@code off} or {@code PT0S}) for never. */
    public Duration repeatWindow() {
        return repeatWindow;
    }

    /** Threads calling handlers on this node. */
    public int handlerWorkers() {
        return handlerWorkers;
    }

    /** The waits between a handler's attempts; after the last, the delivery is dead. Empty: one attempt only. */
    public List<Duration> retrySchedule() {
        return retrySchedule;
    }

    /** How long one handler call may take before it is interrupted and counted as failed. */
    public Duration handlerTimeout() {
        return handlerTimeout;
    }

    /** How long recorded events and finished handler deliveries are kept; empty when set to {@code off}. */
    public Optional<Duration> eventRetention() {
        return Optional.ofNullable(eventRetention);
    }

    /** The operator console's user name; empty when the console is closed (its paths answer 404). */
    public Optional<String> adminUsername() {
        return Optional.ofNullable(adminUsername);
    }

    /** The operator console's password, set exactly when {@link #adminUsername()} is. Secret. */
    public Optional<String> adminPassword() {
        return Optional.ofNullable(adminPassword);
    }

    /**
     * {@code aurora.*} keys that some source sets but neither the library nor the application reads:
     * likely typos, each as {@code key (source)} followed by a did-you-mean when a known key is close.
     */
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
        applicationValues.forEach((key, r) -> sb.append(key).append('=').append(r.value())
                .append("  (").append(r.source()).append(")\n"));
        routes.forEach((path, event) -> sb.append(Key.ROUTE_PREFIX).append(path).append('=').append(event).append('\n'));
        return sb.toString();
    }

    /** JDBC URLs may carry {@code password=...}; never print it. */
    public static String maskUrlPassword(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }
}
