package org.aurorawebhooks.sample;

import java.util.Optional;
import java.util.Set;
import org.aurorawebhooks.config.ApplicationKeys;
import org.aurorawebhooks.config.Settings;

/**
 * The sample's own configuration keys, declared to the library (see
 * {@code META-INF/services/org.aurorawebhooks.config.ApplicationKeys}) so that it resolves them with
 * its precedence, checks them at load and does not report them as unknown.
 */
public final class SampleKeys implements ApplicationKeys {
    /** The sample's HTTP port, default 8080. */
    static final String PORT = "aurora.sample.port";
    /** Demo mode: the simulated Aurora in-process; on by default when no API token is set. */
    static final String DEMO = "aurora.sample.demo";

    @Override
    public Set<String> keys() {
        return Set.of(PORT, DEMO);
    }

    @Override
    public void validate(Settings settings) {
        // Parsing here makes a bad value stop start-up, with the library's message.
        port(settings);
        demo(settings);
    }

    /** Where a sample key's value came from, for messages: its source, or "built-in default". */
    static String sourceOf(Settings settings, String key) {
        String source = settings.applicationSourceOf(key);
        return "not set".equals(source) ? "built-in default" : source;
    }

    /** {@code aurora.sample.port}, default 8080; 0 picks a free port. */
    static int port(Settings settings) {
        String v = settings.applicationValue(PORT).orElse("8080");
        try {
            int port = Integer.parseInt(v);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw settings.invalidApplicationValue(PORT, "a port number between 0 and 65535", false);
    }

    /** {@code aurora.sample.demo}: explicitly set, or on by default when no Aurora API token is configured. */
    static boolean demo(Settings settings) {
        Optional<String> v = settings.applicationValue(DEMO);
        if (v.isEmpty()) {
            return settings.apiToken().isEmpty();
        }
        if (v.get().equalsIgnoreCase("true") || v.get().equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v.get());
        }
        throw settings.invalidApplicationValue(DEMO, "true or false", false);
    }
}
