/**
 * Checks the credential Aurora sends with each delivery (a configured header or HTTP basic auth,
 * compared in constant time, several values accepted during a rotation), and the operator console's own
 * credential, which is kept apart from it.
 *
 * <p>Internal and unsupported: used by the filter only; it may change in any release.
 */
package org.aurorawebhooks.auth;
