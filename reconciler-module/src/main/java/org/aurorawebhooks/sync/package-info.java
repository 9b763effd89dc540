/**
 * Keeping {@code aurora_leads} in step with Aurora: the lead store (all SQL on {@code aurora_leads}),
 * the durable queue of leads due for a fetch (over {@code aurora_lead_sync}, whose SQL is in
 * {@code store.LeadSyncTable}) and the worker threads that fetch them. Depends on no other package of
 * this module but {@code api}.
 *
 * <p>Internal and unsupported: public because the reconciler, the CLI and the sample read through it;
 * it may change in any release. Only the filter (and, in a later release, the handler API) is supported.
 */
package org.aurorawebhooks.sync;
