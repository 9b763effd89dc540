package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.retention.Retention;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventLog;
import org.aurorawebhooks.store.HandlerDeliveries;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Run the retention pruning now, as the webapp does every hour: delete recorded events and done "
                + "handler deliveries older than aurora.retention.events (or --older-than), never an event whose "
                + "handler deliveries are not all done.")
final class PruneCommand implements Callable<Integer> {
    @Mixin
    CliContext context;

    @Option(names = "--older-than", paramLabel = "DURATION",
            description = "prune what is older than this instead of aurora.retention.events: ISO-8601 (P30D, PT12H) "
                    + "or 30d, 12h")
    String olderThan;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Optional<Duration> given = olderThan == null ? Optional.empty()
                : Optional.of(ReconcileCommand.parseDuration(spec.commandLine(), "--older-than", olderThan));
        Settings settings = context.settings();
        PrintWriter out = spec.commandLine().getOut();
        out.println(CliContext.databaseLine(settings));
        Optional<Duration> keep = given.isPresent() ? given : settings.eventRetention();
        if (keep.isEmpty()) {
            out.println(Key.RETENTION_EVENTS.key() + " is off (from " + settings.sourceOf(Key.RETENTION_EVENTS)
                    + "): nothing pruned; --older-than DURATION prunes anyway");
            out.flush();
            return Main.DONE;
        }
        out.println("keeping " + readable(keep.get()) + (given.isPresent() ? " (--older-than)"
                : " (" + Key.RETENTION_EVENTS.key() + " from " + settings.sourceOf(Key.RETENTION_EVENTS) + ")"));
        out.flush();
        try (Database database = CliContext.openForReading(settings, "prune", EventLog.TABLE, HandlerDeliveries.TABLE)) {
            Retention.Result r = new Retention(database, keep.get(), Clock.systemUTC()).pruneNow();
            out.printf("pruned %d event(s) received before %s and %d done handler deliver%s, in %d batch(es) of at most %d%n",
                    r.events(), r.cutoff(), r.deliveries(), r.deliveries() == 1 ? "y" : "ies", r.batches(), Retention.BATCH);
            if (r.kept() > 0) {
                out.printf("kept %d older event(s) with handler deliveries not done (pending, retrying or dead: "
                        + "dead-letters lists the dead)%n", r.kept());
            }
            out.flush();
            return Main.DONE;
        }
    }

    /** {@code 90 days} rather than {@code PT2160H}, Duration's own text. */
    static String readable(Duration d) {
        long s = d.getSeconds();
        if (d.getNano() == 0 && s % 86_400 == 0) {
            return s / 86_400 + (s == 86_400 ? " day" : " days");
        }
        if (d.getNano() == 0 && s % 3_600 == 0) {
            return s / 3_600 + (s == 3_600 ? " hour" : " hours");
        }
        return d.toString();
    }
}
