/**
 * What the library runs inside the webapp beside the filter: the lead sync worker and the reconcile
 * schedule, started and stopped with the filter ({@code LeadSyncExtension}, found through
 * {@link java.util.ServiceLoader} as an {@link org.aurorawebhooks.internal.FilterExtension}). It depends on
 * {@code sync} and {@code reconcile}; {@code reconcile} uses the lead store and queue of {@code sync},
 * and {@code sync} depends on neither, so the packages form no cycle.
 *
 * <p>Internal and unsupported: public only because the service loader needs it; it may change in any
 * release. Only the filter (and, in a later release, the handler API) is supported.
 */
package org.aurorawebhooks.background;
