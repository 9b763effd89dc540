/**
 * Configuration: every key ({@link org.aurorawebhooks.config.Key}), where values come from in order of
 * precedence ({@link org.aurorawebhooks.config.ConfigSource}), and the one parsed, validated, immutable
 * value built from them ({@link org.aurorawebhooks.config.Settings}).
 * {@link org.aurorawebhooks.config.ApplicationKeys} lets an application built on the library (the
 * sample) declare keys of its own. The key names and meanings (README, "Configuration") are the
 * contract; these types are not.
 *
 * <p>Internal and unsupported: public because the reconciler module, the CLI and the sample read the
 * same settings; it may change in any release.
 */
package org.aurorawebhooks.config;
