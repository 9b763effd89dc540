package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.internal.NameSuggestions;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code events [--since DURATION] [--type LIST] [--follow]}: the recorded deliveries, newest last, read
 * through {@link EventLog} (no SQL here). Only reads: never creates or migrates a database.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Show the recorded webhook deliveries, newest last: id, received_at, event, its attributes, "
                + "and whether it repeats an earlier delivery or carried an undocumented value. --follow keeps "
                + "printing new ones as they are recorded, until interrupted (Ctrl-C).")
final class EventsCommand implements Callable<Integer> {
    /** How often --follow looks for new rows. */
    private static final Duration POLL = Duration.ofSeconds(1);
    /**
     * How many polls back --follow looks again for rows it has not printed. Two nodes commit ids out of
     * order: a row can become visible after a row with a higher id was printed.
     */
    private static final int LATE_COMMIT_POLLS = 10;
    private static final int PAGE = 500;

    @Mixin
    CliContext context;

    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "PT1H",
            description = "how far back to show: ISO-8601 (PT1H, P2D) or 90m, 12h, 3d; default PT1H")
    String since;

    @Option(names = "--type", paramLabel = "LIST", split = ",",
            description = "comma-separated event names to show (default: all)")
    List<String> types;

    @Option(names = "--follow", description = "keep printing new deliveries as they are recorded, until interrupted")
    boolean follow;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "show at most the N newest deliveries of the window (default 1000)")
    int limit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine cli = spec.commandLine();
        Duration window = ReconcileCommand.parseDuration(cli, since);
        Set<String> chosen = chosenTypes(cli, types);
        if (limit <= 0) {
            throw new CommandLine.ParameterException(cli, "--limit: " + limit
                    + " is not a positive integer; expected how many deliveries to show at most, e.g. 1000");
        }
        Settings settings = context.settings();
        PrintWriter out = cli.getOut();
        out.println(CliContext.databaseLine(settings));
        out.flush();
        boolean interrupted = false;
        try (Database database = CliContext.openForReading(settings, "events", EventLog.TABLE)) {
            EventLog log = new EventLog(database);
            Instant from = Clock.systemUTC().instant().minus(window).truncatedTo(ChronoUnit.SECONDS);
            // Read before the listing: whatever commits meanwhile is found again by --follow, and printed once.
            long start = highestId(log);
            List<EventLog.RecordedEvent> shown = log.newestSince(from, chosen, limit + 1);
            out.println("deliveries received since " + from + " (" + window + ")"
                    + (chosen.isEmpty() ? "" : ", of " + String.join(", ", chosen)) + ", newest last:");
            if (shown.size() > limit) {
                shown = shown.subList(1, shown.size());
                out.println("  (older ones in the window are not shown: only the newest " + limit + "; see --limit)");
            }
            Set<Long> printed = new HashSet<>();
            for (EventLog.RecordedEvent e : shown) {
                out.println(line(e));
                printed.add(e.id());
            }
            out.println(shown.isEmpty() ? "  none" : shown.size() == 1 ? "1 delivery" : shown.size() + " deliveries");
            out.flush();
            if (!follow) {
                return Main.DONE;
            }
            out.println("following: new deliveries are printed as they are recorded (Ctrl-C to stop)");
            out.flush();
            int code = follow(log, chosen, out, start, printed);
            // Stopped by an interrupt: closing the pool waits for its threads, which an interrupted thread cannot.
            interrupted = Thread.interrupted();
            return code;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Polls for rows above a cursor that trails the highest id printed by {@link #LATE_COMMIT_POLLS} polls,
     * printing each row once; returns when the thread is interrupted.
     */
    private static int follow(EventLog log, Set<String> chosen, PrintWriter out, long start, Set<Long> printed) {
        ArrayDeque<Long> cursors = new ArrayDeque<>();
        long highest = printed.stream().mapToLong(Long::longValue).max().orElse(start);
        highest = Math.max(highest, start);
        cursors.addLast(start);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long low = cursors.peekFirst();
            try {
                long after = low;
                List<EventLog.RecordedEvent> page;
                do {
                    page = log.after(after, chosen, PAGE);
                    for (EventLog.RecordedEvent e : page) {
                        if (printed.add(e.id())) {
                            out.println(line(e));
                        }
                        after = e.id();
                        highest = Math.max(highest, e.id());
                    }
                } while (page.size() == PAGE);
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    break; // interrupted in the middle of a query: stopping, not failing
                }
                throw e;
            }
            out.flush();
            cursors.addLast(highest);
            if (cursors.size() > LATE_COMMIT_POLLS) {
                cursors.removeFirst();
            }
            long forgotten = cursors.peekFirst();
            printed.removeIf(id -> id <= forgotten);
        }
        out.flush();
        return Main.DONE;
    }

    /** The highest id recorded now (of any type: the cursor is over ids, not types), or 0 for an empty table. */
    private static long highestId(EventLog log) {
        List<EventLog.RecordedEvent> newest = log.latest(1);
        return newest.isEmpty() ? 0 : newest.get(0).id();
    }

    /** {@code #42  2026-11-25T13:40:01.123Z  lead_created  lead_id=… source=api  repeat of #41}. */
    static String line(EventLog.RecordedEvent e) {
        StringBuilder attributes = new StringBuilder();
        for (Map.Entry<String, String> a : e.attributes().entrySet()) {
            attributes.append(attributes.length() == 0 ? "" : " ").append(a.getKey()).append('=').append(a.getValue());
        }
        StringBuilder line = new StringBuilder(String.format("  #%-7d %-24s %-34s %s", e.id(), e.receivedAt(), e.eventType(),
                attributes));
        if (e.repeatOf() != null) {
            line.append("  [repeat of #").append(e.repeatOf()).append(']');
        }
        if (e.undocumentedValues() != null) {
            line.append("  [undocumented value: ").append(e.undocumentedValues()).append(']');
        }
        return line.toString();
    }

    private static Set<String> chosenTypes(CommandLine cli, List<String> names) {
        Set<String> out = new LinkedHashSet<>();
        if (names == null) {
            return out;
        }
        EventCatalog catalog = EventCatalog.aurora();
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            String trimmed = name.trim();
            if (catalog.find(trimmed).isPresent()) {
                out.add(trimmed);
            } else {
                unknown.add(trimmed);
            }
        }
        if (!unknown.isEmpty()) {
            String first = unknown.get(0);
            throw new CommandLine.ParameterException(cli, "--type: \"" + first + "\" is not an Aurora event"
                    + NameSuggestions.closest(first, catalog.names()).map(e -> "; did you mean " + e + "?").orElse("")
                    + " (list the 26 with: aurora-reconciler trigger --list)");
        }
        return out;
    }
}
