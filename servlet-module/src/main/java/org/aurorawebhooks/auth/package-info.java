/**
 * Checks the credential Aurora sends with each delivery (a configured header or HTTP basic auth,
 * compared in constant time, several values accepted during a rotation).
 *
 * <p>Internal and unsupported: used by the filter only; it may change in any release.
 */
package org.aurorawebhooks.auth;
