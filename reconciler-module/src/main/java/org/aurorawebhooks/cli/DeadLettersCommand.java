package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventLog;
import org.aurorawebhooks.store.HandlerDeliveries;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "List dead handler deliveries (out of attempts), the most recently dead first: id, handler, "
                + "event, attempts, when it died and its last error. Re-run them with retry.")
final class DeadLettersCommand implements Callable<Integer> {
    @Mixin
    CliContext context;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "how many to show (default 50)")
    int limit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (limit <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit: " + limit
                    + " is not a positive integer; expected how many dead deliveries to show, e.g. 50");
        }
        Settings settings = context.settings();
        PrintWriter out = spec.commandLine().getOut();
        out.println(CliContext.databaseLine(settings));
        out.flush();
        try (Database database = CliContext.openForReading(settings, "dead-letters", EventLog.TABLE,
                HandlerDeliveries.TABLE)) {
            HandlerDeliveries table = new HandlerDeliveries(database.dialect());
            List<HandlerDeliveries.DeadLetter> dead = database.jdbi().withHandle(h -> table.deadLetters(h, limit));
            long total = database.jdbi().withHandle(table::counts).stream().mapToLong(HandlerDeliveries.HandlerCounts::dead).sum();
            if (dead.isEmpty()) {
                out.println("no dead handler deliveries");
                out.flush();
                return Main.DONE;
            }
            Map<Long, EventLog.RecordedEvent> events = new EventLog(database)
                    .byIds(dead.stream().map(HandlerDeliveries.DeadLetter::eventId).distinct().toList()).stream()
                    .collect(Collectors.toMap(EventLog.RecordedEvent::id, Function.identity()));
            out.printf("%-8s %-40s %-10s %-32s %-16s %8s %-24s %s%n", "id", "handler", "event", "type", "subject",
                    "attempts", "dead since", "last error");
            for (HandlerDeliveries.DeadLetter d : dead) {
                EventLog.RecordedEvent e = events.get(d.eventId());
                out.printf("%-8d %-40s %-10d %-32s %-16s %8d %-24s %s%n", d.id(), d.handler(), d.eventId(),
                        e == null ? "(event gone)" : e.eventType(), d.subject() == null ? "-" : d.subject(), d.attempts(),
                        Instant.ofEpochMilli(d.finishedAt()), oneLine(d.lastError()));
            }
            out.printf("%d of %d dead deliver%s shown%s; re-run them with: retry ID... or retry --all%n", dead.size(), total,
                    total == 1 ? "y" : "ies", dead.size() < total ? " (--limit N shows more)" : "");
            out.flush();
            return Main.DONE;
        }
    }

    /** A stack of causes or a multi-line message on the delivery's own line. */
    private static String oneLine(String error) {
        return error == null ? "-" : error.strip().replaceAll("\\s*\\R\\s*", " | ");
    }
}
