package org.aurorawebhooks.reconcile;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of one reconcile pass, as recorded in {@code aurora_reconcile_runs}.
 *
 * @param checked leads examined (fetched, or seen unchanged in the listing)
 * @param createdMissed leads Aurora has that the store had never seen: a lost {@code lead_created}
 * @param changedMissed leads whose stored copy was stale: a lost {@code lead_changed}
 * @param failures a few of the failure messages, for the summary
 */
public record RunReport(long runId, Instant startedAt, Instant endedAt, String trigger, String outcome, boolean dryRun,
                        int checked, int createdMissed, int changedMissed, int unchanged, int gone, int failed,
                        long apiCalls, long throttled, List<String> failures) {

    /** True when every lead was handled; false means exit code 1. */
    public boolean clean() {
        return failed == 0;
    }

    /** One line per figure, for the CLI's summary. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("reconcile run ").append(runId).append(dryRun ? " (dry run)" : "").append(": ").append(outcome)
                .append(" in ").append(java.time.Duration.between(startedAt, endedAt).toSeconds()).append(" s\n")
                .append("  checked          ").append(checked).append('\n')
                .append("  created, missed  ").append(createdMissed).append('\n')
                .append("  changed, missed  ").append(changedMissed).append('\n')
                .append("  unchanged        ").append(unchanged).append('\n')
                .append("  gone             ").append(gone).append('\n')
                .append("  failed           ").append(failed).append('\n')
                .append("  API calls        ").append(apiCalls).append(" (").append(throttled).append(" throttled)\n");
        for (String f : failures) {
            sb.append("  failure: ").append(f).append('\n');
        }
        return sb.toString();
    }
}
