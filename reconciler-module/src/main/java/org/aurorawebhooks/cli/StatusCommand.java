package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.Dialect;
import org.aurorawebhooks.sync.LeadSyncQueue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the last reconcile runs and the pending lead sync work.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    CliContext context;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "10", description = "how many runs to show (default 10)")
    int runs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Settings settings = context.settings();
        PrintWriter out = spec.commandLine().getOut();
        // The first line says which database, even when it turns out not to be there to read.
        out.println(CliContext.databaseLine(settings));
        out.flush();
        try (Database database = CliContext.openForReading(settings, "status", "aurora_reconcile_runs", "aurora_lead_sync")) {
            Dialect d = database.dialect();
            out.println();
            out.println("last reconcile runs:");
            out.printf("  %-6s %-24s %-9s %-24s %7s %7s %7s %9s %5s %6s %6s %9s%n", "id", "started", "trigger",
                    "outcome", "checked", "created", "changed", "unchanged", "gone", "failed", "calls", "throttled");
            List<Object> printed = database.jdbi().withHandle(h -> h.createQuery(
                            "SELECT * FROM aurora_reconcile_runs ORDER BY id DESC LIMIT :n")
                    .bind("n", runs)
                    .map((rs, ctx) -> {
                        Instant started = d.readTimestamp(rs, "started_at");
                        out.printf("  %-6d %-24s %-9s %-24s %7d %7d %7d %9d %5d %6d %6d %9d%n", rs.getLong("id"), started,
                                rs.getString("trigger_type"), rs.getString("outcome") + (rs.getBoolean("dry_run") ? " (dry)" : ""),
                                rs.getInt("checked"), rs.getInt("created_missed"), rs.getInt("changed_missed"),
                                rs.getInt("unchanged"), rs.getInt("gone"), rs.getInt("failed"), rs.getInt("api_calls"),
                                rs.getInt("throttled"));
                        return (Object) rs.getLong("id");
                    }).list());
            if (printed.isEmpty()) {
                out.println("  (none yet)");
            }
            LeadSyncQueue.Stats stats = new LeadSyncQueue(database, Clock.systemUTC()).stats();
            out.println();
            out.printf("lead sync: %d pending, %d claimed now, %d failing%n", stats.pending(), stats.claimed(), stats.failing());
            database.jdbi().useHandle(h -> h.createQuery("SELECT lead_id, attempts, last_error FROM aurora_lead_sync "
                            + "WHERE attempts > 0 ORDER BY attempts DESC, lead_id LIMIT 10")
                    .map((rs, ctx) -> {
                        out.printf("  lead %s: %d attempt(s), last error: %s%n", rs.getString("lead_id"),
                                rs.getInt("attempts"), rs.getString("last_error"));
                        return null;
                    }).list());
            out.flush();
            return Main.DONE;
        }
    }
}
