package org.aurorawebhooks.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One place configuration values come from. {@link Settings#load} consults a list of them, the
 * first one that has a key wins.
 */
public final class ConfigSource {
    private final String description;
    private final Function<String, String> lookup;
    private final Set<String> names;
    private final boolean environment;

    private ConfigSource(String description, Function<String, String> lookup, Set<String> names, boolean environment) {
        this.description = description;
        this.lookup = lookup;
        this.names = names;
        this.environment = environment;
    }

    /** Values given as a map, described as {@code description} in messages (e.g. "filter init-param"). */
    public static ConfigSource of(String description, Map<String, String> values) {
        Map<String, String> copy = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        return new ConfigSource(description, copy::get, copy.keySet(), false);
    }

    public static ConfigSource systemProperties() {
        Properties props = System.getProperties();
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith("aurora.")) {
                values.put(name, props.getProperty(name));
            }
        }
        return of("system property", values);
    }

    /**
     * Environment variables: {@code aurora.db.url} is read from {@code AURORA_DB_URL}. {@link #names()}
     * lists the variable names that start with {@code AURORA_}, for reporting likely typos.
     */
    public static ConfigSource environment(Map<String, String> env) {
        Map<String, String> copy = Map.copyOf(env);
        Set<String> names = new TreeSet<>();
        for (String name : copy.keySet()) {
            if (name.startsWith(Key.ENVIRONMENT_PREFIX)) {
                names.add(name);
            }
        }
        return new ConfigSource("environment variable", key -> copy.get(Key.environmentVariable(key)),
                Collections.unmodifiableSet(names), true);
    }

    public static ConfigSource propertiesFile(Path file) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new ConfigException("aurora.config: cannot read properties file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            values.put(name, props.getProperty(name).trim());
        }
        return of("file " + file, values);
    }

    String get(String key) {
        return lookup.apply(key);
    }

    /** How a message names this source for the key, e.g. "environment variable AURORA_DB_URL". */
    String describe(String key) {
        return environment ? description + " " + Key.environmentVariable(key) : description;
    }

    /**
     * Keys this source lists: dotted keys, or for the environment the {@code AURORA_*} variable names
     * (see {@link #isEnvironment()}).
     */
    Set<String> names() {
        return names;
    }

    boolean isEnvironment() {
        return environment;
    }
}
