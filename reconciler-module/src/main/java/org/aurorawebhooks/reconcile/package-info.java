/**
 * The reconcile pass, which finds what lost webhooks left stale in {@code aurora_leads}; the record of
 * every pass (all SQL on {@code aurora_reconcile_runs}, in {@code ReconcileRuns}); the lease lock that
 * keeps two passes apart (all SQL on {@code aurora_locks}, in {@code LeaseLock}); and the Quartz
 * schedule that runs passes in the webapp or in {@code aurora-reconciler schedule}.
 *
 * <p>Internal and unsupported: public because the CLI, the webapp's background services and the sample
 * use it; it may change in any release. The table {@code aurora_reconcile_runs} is documented in the
 * README. Only the filter (and, in a later release, the handler API) is supported.
 */
package org.aurorawebhooks.reconcile;
