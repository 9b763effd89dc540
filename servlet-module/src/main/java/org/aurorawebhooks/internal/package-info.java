/**
 * Seams that must be public for technical reasons but are not for users: the extension point through
 * which the reconciler module starts its background work with the filter, and the
 * ServletContainerInitializer the container calls to register the filter; the view of the reconcile runs
 * that the reconciler module hands the operator console; and the helpers both modules
 * share so that they cannot drift apart (SHA-256, the credential-name rule and URL masking, the thread factory, the did-you-mean of
 * mistyped names).
 *
 * <p>Internal and unsupported: it may change in any release.
 */
package org.aurorawebhooks.internal;
