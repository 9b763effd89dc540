/**
 * Configuration: the keys, their sources in order of precedence, and the parsed, validated
 * {@code Settings}. The key names and meanings (README, "Configuration") are the contract; these
 * types are not.
 *
 * <p>Internal and unsupported: public because the reconciler module, the CLI and the sample read
 * the same settings; it may change in any release.
 */
package org.aurorawebhooks.config;
