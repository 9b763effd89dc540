package org.aurorawebhooks.reconcile;

import java.util.Locale;

/** Who started a reconcile pass: the {@code trigger_type} column of {@code aurora_reconcile_runs}. */
public enum RunTrigger {
    /** {@code aurora-reconciler reconcile}. */
    CLI,
    /** The Quartz schedule, in the webapp or in {@code aurora-reconciler schedule}. */
    SCHEDULE;

    /** The text stored in the table, e.g. {@code schedule}. */
    public String stored() {
        return name().toLowerCase(Locale.ROOT);
    }
}
