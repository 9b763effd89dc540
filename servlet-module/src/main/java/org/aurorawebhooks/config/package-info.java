/**
 * The configuration: every key ({@link org.aurorawebhooks.config.Key}), where values come from
 * ({@link org.aurorawebhooks.config.ConfigSource}), and the one parsed, validated, immutable value
 * built from them ({@link org.aurorawebhooks.config.Settings}). {@link org.aurorawebhooks.config.ApplicationKeys}
 * lets an application built on the library declare keys of its own. Supported API: {@code Settings},
 * {@code Key}, {@code ConfigSource}, {@code ConfigException}, {@code ApplicationKeys}.
 */
package org.aurorawebhooks.config;
