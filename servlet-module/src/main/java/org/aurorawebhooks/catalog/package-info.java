/**
 * Aurora's webhook catalogue: the 26 events, their attributes with their suggested URL templates and
 * documented values, read from {@code aurora-events.json}. The event and parameter names are
 * Aurora's contract and appear in the tables; these types are not.
 *
 * <p>Internal and unsupported: public because the reconciler module (subscriptions, the simulated
 * Aurora) reads the same catalogue; it may change in any release.
 */
package org.aurorawebhooks.catalog;
