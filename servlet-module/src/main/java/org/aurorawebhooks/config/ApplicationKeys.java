package org.aurorawebhooks.config;

import java.util.Set;

/**
 * Keys that an application built on the library reads itself, such as the sample's
 * {@code aurora.sample.port}. Declare them by naming an implementation in
 * {@code META-INF/services/org.aurorawebhooks.config.ApplicationKeys}: every {@link Settings#load}
 * in that class loader (the filter's as well as the application's own) then resolves them with the
 * library's precedence, shows them in {@link Settings#describe()}, and does not report them as unknown.
 *
 * <p>Implementations need a public no-argument constructor and must be stateless.
 */
public interface ApplicationKeys {

    /** The dotted keys the application reads, e.g. {@code aurora.sample.port}. */
    Set<String> keys();

    /**
     * Checks the application's values once they are resolved, so that a bad value stops start-up
     * like a bad library value does.
     *
     * @throws ConfigException naming the key, its source and what was expected
     */
    default void validate(Settings settings) {
    }
}
