package org.aurorawebhooks.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The reconcile runs as the operator console reads them. The table {@code aurora_reconcile_runs} and its
 * SQL belong to the reconciler module, which the filter's module cannot see; the module's
 * {@link FilterExtension} hands the console this view of it, so the table keeps one owner and a webapp
 * without the reconciler module simply shows no runs.
 *
 * <p>Internal and unsupported: it may change in any release.
 */
public interface ReconcileRunsView {
    /** One pass: when, how it ended, and what it repaired (created-but-missed, changed-but-missed, gone). */
    record Run(long id, Instant startedAt, Instant endedAt, String trigger, String outcome, boolean dryRun,
               int checked, int createdMissed, int changedMissed, int unchanged, int gone, int notFound, int failed,
               int apiCalls, int throttled, String error) {
    }

    /**
     * Over every recorded pass: how many ended each way, and what the passes that were not dry runs repaired.
     * Monotonic while runs are not deleted, so they serve as counters.
     */
    record Totals(Map<String, Long> runsByOutcome, long createdMissed, long changedMissed, long gone, long notFound,
                  long failed) {
    }

    /** The {@code limit} most recent passes, newest first. */
    List<Run> recent(int limit);

    Totals totals();
}
