package org.aurorawebhooks.config;

/**
 * A configuration value is missing, malformed or contradicts another. The message names the key,
 * where its value came from and what was expected; it never contains a secret value.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
