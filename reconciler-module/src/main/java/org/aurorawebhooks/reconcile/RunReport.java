package org.aurorawebhooks.reconcile;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of one reconcile pass, as recorded in {@code aurora_reconcile_runs}. Every checked lead is
 * in exactly one of the six categories: {@code checked == createdMissed + changedMissed + unchanged + gone
 * + notFound + failed}. A dry run reports what the real run would have done.
 *
 * @param checked leads examined (fetched, tried, or seen unchanged in the listing)
 * @param createdMissed leads Aurora has that the store had never seen: a lost {@code lead_created}
 * @param changedMissed leads whose stored copy was stale (or marked gone): a lost {@code lead_changed}
 * @param unchanged leads whose stored copy was up to date
 * @param gone leads the store had that Aurora answers 404 for: now marked gone
 * @param notFound leads Aurora answers 404 for that the store never had, or had already marked gone
 *                 (e.g. a delivery named a lead deleted before it could be fetched): nothing to change
 * @param failed leads that could not be fetched; they are due for the lead sync
 * @param failures a few of the failure messages, for the summary
 */
public record RunReport(long runId, Instant startedAt, Instant endedAt, RunTrigger trigger, RunOutcome outcome,
                        boolean dryRun, int checked, int createdMissed, int changedMissed, int unchanged, int gone,
                        int notFound, int failed, long apiCalls, long throttled, List<String> failures) {

    /** True when every lead was handled; false means exit code 1. */
    public boolean clean() {
        return failed == 0;
    }

    /** One line per figure, for the CLI's summary. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("reconcile run ").append(runId).append(dryRun ? " (dry run)" : "").append(": ").append(outcome.stored())
                .append(" in ").append(java.time.Duration.between(startedAt, endedAt).toSeconds()).append(" s\n")
                .append("  checked          ").append(checked).append('\n')
                .append("  created, missed  ").append(createdMissed).append('\n')
                .append("  changed, missed  ").append(changedMissed).append('\n')
                .append("  unchanged        ").append(unchanged).append('\n')
                .append("  gone             ").append(gone).append('\n')
                .append("  not found        ").append(notFound).append(" (never stored, or already gone)\n")
                .append("  failed           ").append(failed).append('\n')
                .append("  API calls        ").append(apiCalls).append(" (").append(throttled).append(" throttled)\n");
        for (String f : failures) {
            sb.append("  failure: ").append(f).append('\n');
        }
        return sb.toString();
    }
}
