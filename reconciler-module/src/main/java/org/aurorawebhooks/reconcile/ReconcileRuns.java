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
