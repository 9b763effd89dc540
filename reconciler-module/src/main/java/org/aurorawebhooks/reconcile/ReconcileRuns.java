package org.aurorawebhooks.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.Dialect;

/**
 * All SQL on {@code aurora_reconcile_runs}: one row per pass, written by {@link Reconciler} as the pass
 * starts and ends (or as the schedule skips it), read by {@code status} and pages. Thread-safe (stateless
 * apart from the database).
 */
public final class ReconcileRuns {
    /** The table's name, for callers that check it exists before reading. */
    public static final String TABLE = "aurora_reconcile_runs";
    /** The {@code error} column holds 2,000 characters; a longer message is cut to this. */
    private static final int MAX_ERROR = 1900;

    /** A recorded pass as {@code status} or a page lists it: a row of {@code aurora_reconcile_runs}. */
    public record RecordedRun(long id, Instant startedAt, Instant endedAt, String trigger, String outcome, boolean dryRun,
                              int checked, int createdMissed, int changedMissed, int unchanged, int gone, int notFound,
                              int failed, int apiCalls, int throttled, String error) {
    }

    private final Database database;

    public ReconcileRuns(Database database) {
        this.database = Objects.requireNonNull(database, "database == null");
    }

    /** The {@code limit} most recent passes, newest first. */
    public List<RecordedRun> recent(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit + " is not positive");
        }
        Dialect d = database.dialect();
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM aurora_reconcile_runs ORDER BY id DESC LIMIT :n")
                .bind("n", limit)
                .map((rs, ctx) -> new RecordedRun(rs.getLong("id"), d.readTimestamp(rs, "started_at"),
                        d.readTimestamp(rs, "ended_at"), rs.getString("trigger_type"), rs.getString("outcome"),
                        rs.getBoolean("dry_run"), rs.getInt("checked"), rs.getInt("created_missed"),
                        rs.getInt("changed_missed"), rs.getInt("unchanged"), rs.getInt("gone"), rs.getInt("not_found"),
                        rs.getInt("failed"), rs.getInt("api_calls"), rs.getInt("throttled"), rs.getString("error")))
                .list());
    }

    /**
     * How many passes ended each way, and the sums of what the passes that were not dry runs repaired: the
     * operator console's reconcile counters.
     */
    public org.aurorawebhooks.internal.ReconcileRunsView.Totals totals() {
        java.util.Map<String, Long> byOutcome = new java.util.TreeMap<>();
        long[] repaired = new long[5];
        database.jdbi().useHandle(h -> h.createQuery("SELECT outcome, dry_run, COUNT(*) AS n, "
                        + "COALESCE(SUM(created_missed), 0) AS created, COALESCE(SUM(changed_missed), 0) AS changed, "
                        + "COALESCE(SUM(gone), 0) AS gone, COALESCE(SUM(not_found), 0) AS not_found, "
                        + "COALESCE(SUM(failed), 0) AS failed FROM aurora_reconcile_runs GROUP BY outcome, dry_run")
                .map((rs, ctx) -> {
                    byOutcome.merge(rs.getString("outcome"), rs.getLong("n"), Long::sum);
                    if (!rs.getBoolean("dry_run")) {
                        repaired[0] += rs.getLong("created");
                        repaired[1] += rs.getLong("changed");
                        repaired[2] += rs.getLong("gone");
                        repaired[3] += rs.getLong("not_found");
                    }
                    repaired[4] += rs.getLong("failed");
                    return 0;
                }).list());
        return new org.aurorawebhooks.internal.ReconcileRunsView.Totals(byOutcome, repaired[0], repaired[1], repaired[2],
                repaired[3], repaired[4]);
    }

    /** Records a pass as it starts ({@code running}); returns its id. */
    long start(RunTrigger trigger, Instant startedAt, Instant scheduledFor, Duration since, boolean dryRun) {
        Dialect d = database.dialect();
        // Generated keys, not RETURNING: MySQL has no INSERT ... RETURNING.
        return database.jdbi().withHandle(h -> h.createUpdate("INSERT INTO aurora_reconcile_runs "
                        + "(started_at, trigger_type, scheduled_for, outcome, since_window, dry_run) "
                        + "VALUES (:started, :trigger, :scheduled, :outcome, :since, :dry)")
                .bind("started", d.timestamp(startedAt)).bind("trigger", trigger.stored())
                .bind("scheduled", d.timestamp(scheduledFor)).bind("outcome", RunOutcome.RUNNING.stored())
                .bind("since", since.toString()).bind("dry", dryRun)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    /** Records how the pass {@code report.runId()} ended, with its counts and, when it failed, why. */
    void finish(RunReport report, String error) {
        Dialect d = database.dialect();
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE aurora_reconcile_runs SET ended_at = :ended, "
                        + "outcome = :outcome, checked = :checked, created_missed = :created, "
                        + "changed_missed = :changed, unchanged = :unchanged, gone = :gone, "
                        + "not_found = :notFound, failed = :failed, "
                        + "api_calls = :calls, throttled = :throttled, error = :error WHERE id = :id")
                .bind("ended", d.timestamp(report.endedAt())).bind("outcome", report.outcome().stored())
                .bind("checked", report.checked()).bind("created", report.createdMissed())
                .bind("changed", report.changedMissed()).bind("unchanged", report.unchanged())
                .bind("gone", report.gone()).bind("notFound", report.notFound()).bind("failed", report.failed())
                .bind("calls", report.apiCalls()).bind("throttled", report.throttled())
                .bind("error", error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR))
                .bind("id", report.runId()).execute());
    }

    /** Records a scheduled pass that did not start because another held the lock. */
    void recordSkipped(RunTrigger trigger, Instant now, Instant scheduledFor, String reason) {
        Dialect d = database.dialect();
        database.jdbi().useHandle(h -> h.createUpdate("INSERT INTO aurora_reconcile_runs (started_at, ended_at, "
                        + "trigger_type, scheduled_for, outcome, since_window, dry_run, error) "
                        + "VALUES (:now, :now, :trigger, :scheduled, :outcome, '', :dry, :reason)")
                .bind("now", d.timestamp(now)).bind("trigger", trigger.stored())
                .bind("outcome", RunOutcome.SKIPPED.stored()).bind("scheduled", d.timestamp(scheduledFor))
                .bind("dry", false).bind("reason", reason).execute());
    }

    /** Marks every pass still {@code running} as {@code interrupted}: only the lock holder may call this. */
    void closeRunning(Instant now) {
        Dialect d = database.dialect();
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE aurora_reconcile_runs SET outcome = :interrupted, "
                        + "ended_at = :now WHERE outcome = :running")
                .bind("interrupted", RunOutcome.INTERRUPTED.stored()).bind("running", RunOutcome.RUNNING.stored())
                .bind("now", d.timestamp(now)).execute());
    }
}
