package org.aurorawebhooks.reconcile;

import java.util.Locale;

/** What became of a reconcile pass: the {@code outcome} column of {@code aurora_reconcile_runs}. */
public enum RunOutcome {
    /** Still going (or killed without a trace: the next pass marks it {@link #INTERRUPTED}). */
    RUNNING,
    /** Every checked lead was handled. */
    SUCCEEDED,
    /** The pass ran to its end, but some leads could not be fetched; they are due for the lead sync. */
    COMPLETED_WITH_FAILURES,
    /** The pass stopped on an error (refused token, unknown tenant, database); {@code error} says which. */
    FAILED,
    /** The pass was stopped (the webapp stopped) or killed; the next one redoes its work. */
    INTERRUPTED,
    /** A scheduled pass did not start because another held the lock. */
    SKIPPED;

    /** The text stored in the table, e.g. {@code completed_with_failures}. */
    public String stored() {
        return name().toLowerCase(Locale.ROOT);
    }
}
