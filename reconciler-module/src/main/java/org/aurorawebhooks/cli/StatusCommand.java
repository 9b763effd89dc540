package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.reconcile.ReconcileRuns;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.aurorawebhooks.store.LeadSyncTable;
import org.aurorawebhooks.sync.LeadSyncQueue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the last reconcile runs, the pending lead sync work and the handler deliveries per handler.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    CliContext context;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "10", description = "how many runs to show (default 10)")
    int runs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (runs <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs: " + runs
                    + " is not a positive integer; expected how many runs to show, e.g. 10");
        }
        Settings settings = context.settings();
        PrintWriter out = spec.commandLine().getOut();
        // The first line says which database, even when it turns out not to be there to read.
        out.println(CliContext.databaseLine(settings));
        out.flush();
        try (Database database = CliContext.openForReading(settings, "status", ReconcileRuns.TABLE, LeadSyncTable.TABLE)) {
            out.println();
            out.println("last reconcile runs:");
            out.printf("  %-6s %-24s %-9s %-24s %7s %7s %7s %9s %5s %9s %6s %6s %9s%n", "id", "started", "trigger",
                    "outcome", "checked", "created", "changed", "unchanged", "gone", "not found", "failed", "calls",
                    "throttled");
            List<ReconcileRuns.RecordedRun> recent = new ReconcileRuns(database).recent(runs);
            for (ReconcileRuns.RecordedRun r : recent) {
                out.printf("  %-6d %-24s %-9s %-24s %7d %7d %7d %9d %5d %9d %6d %6d %9d%n", r.id(), r.startedAt(),
                        r.trigger(), r.outcome() + (r.dryRun() ? " (dry)" : ""), r.checked(), r.createdMissed(),
                        r.changedMissed(), r.unchanged(), r.gone(), r.notFound(), r.failed(), r.apiCalls(), r.throttled());
            }
            if (recent.isEmpty()) {
                out.println("  (none yet)");
            }
            LeadSyncQueue queue = new LeadSyncQueue(database, Clock.systemUTC());
            LeadSyncQueue.Stats stats = queue.stats();
            out.println();
            out.printf("lead sync: %d pending, %d claimed now, %d failing%n", stats.pending(), stats.claimed(), stats.failing());
            for (LeadSyncQueue.Waiting w : queue.failing(10)) {
                out.printf("  lead %s: %d attempt(s), last error: %s%n", w.leadId(), w.attempts(), w.lastError());
            }
            out.println();
            out.println("handlers (deliveries per handler; retrying: failed at least once, not dead yet):");
            // Optional: a database the webapp of an earlier version migrated has the other tables but not this one.
            boolean hasHandlers = CliContext.missingTables(database, HandlerDeliveries.TABLE).isEmpty();
            HandlerDeliveries deliveries = new HandlerDeliveries(database.dialect());
            List<HandlerDeliveries.HandlerCounts> counts = hasHandlers ? database.jdbi().withHandle(deliveries::counts) : List.of();
            if (!hasHandlers) {
                out.println("  (no " + HandlerDeliveries.TABLE + " table yet: the webapp creates it)");
            } else if (counts.isEmpty()) {
                out.println("  (no handler deliveries yet)");
            } else {
                out.printf("  %-40s %9s %9s %9s %9s%n", "handler", "pending", "retrying", "dead", "done");
                for (HandlerDeliveries.HandlerCounts c : counts) {
                    out.printf("  %-40s %9d %9d %9d %9d%n", c.handler(), c.pending(), c.retrying(), c.dead(), c.done());
                }
            }
            out.flush();
            return Main.DONE;
        }
    }
}
