/**
 * A simulated Aurora on a loopback port, speaking the real protocol: the lead endpoints, webhook
 * subscriptions, 429s under its own rate limit, and webhook deliveries fired like Aurora's (with a
 * share dropped on request). Used by {@code aurora-reconciler simulate}, the sample's demo and the tests.
 *
 * <p>Internal and unsupported: a test and demo tool, not a contract; it may change in any release.
 * Only the filter (and, in a later release, the handler API) is supported.
 */
package org.aurorawebhooks.simulator;
