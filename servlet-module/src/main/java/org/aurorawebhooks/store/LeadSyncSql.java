package org.aurorawebhooks.store;

/**
 * SQL on {@code aurora_lead_sync}, the durable queue of leads due for a fetch. Times are epoch
 * milliseconds. Shared by the event writer and the lead sync worker.
 */
public final class LeadSyncSql {
    private LeadSyncSql() {
    }

    /**
     * Makes a lead due now. A burst of requests for one lead stays one row; {@code generation} goes up
     * with each, so a fetch that started before the latest request does not mark it done.
     * Parameters: lead_id, reason, requested_at, due_at.
     */
    public static final String MARK_DUE = "INSERT INTO aurora_lead_sync (lead_id, generation, reason, requested_at, due_at, attempts) "
            + "VALUES (?, 1, ?, ?, ?, 0) "
            + "ON CONFLICT (lead_id) DO UPDATE SET generation = aurora_lead_sync.generation + 1, "
            + "reason = excluded.reason, requested_at = excluded.requested_at, "
            + "due_at = CASE WHEN aurora_lead_sync.due_at < excluded.due_at THEN aurora_lead_sync.due_at ELSE excluded.due_at END";
}
