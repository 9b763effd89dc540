/**
 * Retention ({@code aurora.retention.events}): pruning recorded events and finished handler deliveries
 * older than the configured age, in short bounded batches, hourly in the webapp and on demand from the
 * CLI's {@code prune}. It decides what goes; the SQL stays with the tables' owners in {@code store}.
 *
 * <p>Internal and unsupported: public because the CLI runs the same pruning; it may change in any release.
 */
package org.aurorawebhooks.retention;
