package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.internal.NameSuggestions;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventLog;
import org.aurorawebhooks.store.HandlerDeliveries;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes new pending deliveries for recorded events; the running webapp's dispatcher performs them like any
 * other (in order per subject, after the subject's deliveries already waiting). Pages through the range by
 * event id, {@value #PAGE} events per transaction, so a range of any size costs bounded memory and short
 * transactions.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-deliver recorded events received in [--from, --to) to handlers: writes new pending "
                + "deliveries, which the running webapp performs. Without --handler, each event goes again to each "
                + "handler that had a delivery of it; with --handler, to that handler (its accepts() still decides).")
final class ReplayCommand implements Callable<Integer> {
    static final int PAGE = 500;

    @Mixin
    CliContext context;

    @Option(names = "--from", required = true, paramLabel = "T",
            description = "first receipt time included: 2026-11-25T10:00:00Z, or a date (2026-11-25: its start, UTC)")
    String from;

    @Option(names = "--to", required = true, paramLabel = "T", description = "receipt time excluded, same forms as --from")
    String to;

    @Option(names = "--type", split = ",", paramLabel = "LIST", description = "only these event types, comma-separated")
    List<String> types;

    @Option(names = "--handler", paramLabel = "NAME", description = "deliver to this handler (its name() as recorded)")
    String handler;

    @Option(names = "--new-handler", description = "with --handler: the name has no delivery in this database yet "
            + "(a handler just deployed); without it such a name is refused as a likely typo")
    boolean newHandler;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine cli = spec.commandLine();
        Instant start = instant(cli, "--from", from);
        Instant end = instant(cli, "--to", to);
        if (!start.isBefore(end)) {
            throw new CommandLine.ParameterException(cli, "--from " + start + " is not before --to " + end
                    + ": the range [from, to) is empty");
        }
        List<String> chosen = types(cli);
        if (newHandler && handler == null) {
            throw new CommandLine.ParameterException(cli, "--new-handler goes with --handler NAME");
        }
        Settings settings = context.settings();
        PrintWriter out = cli.getOut();
        out.println(CliContext.databaseLine(settings));
        out.flush();
        try (Database database = CliContext.openForReading(settings, "replay", EventLog.TABLE, HandlerDeliveries.TABLE)) {
            HandlerDeliveries table = new HandlerDeliveries(database.dialect());
            EventLog events = new EventLog(database);
            if (handler != null && !newHandler) {
                List<String> known = database.jdbi().withHandle(table::counts).stream()
                        .map(HandlerDeliveries.HandlerCounts::handler).toList();
                if (!known.contains(handler)) {
                    throw new CommandLine.ParameterException(cli, "--handler: no delivery to \"" + handler
                            + "\" is recorded in this database" + NameSuggestions.closest(handler, known)
                            .map(n -> "; did you mean " + n + "?").orElse(known.isEmpty() ? ""
                                    : "; handlers with deliveries: " + String.join(", ", known))
                            + " (a delivery to a name the webapp does not run stays pending forever; "
                            + "--new-handler replays to a handler that has had no delivery yet)");
                }
            }
            out.printf("replaying events received from %s to %s (excluded), %s, to %s%n", start, end,
                    chosen.isEmpty() ? "every type" : "types " + String.join(", ", chosen),
                    handler == null ? "each handler that had a delivery of the event" : "handler " + handler);
            Map<String, Long> perHandler = new TreeMap<>();
            long matched = 0;
            long unhandled = 0;
            long after = 0;
            while (true) {
                List<EventLog.EventRef> page = events.receivedBetween(start, end, chosen, after, PAGE);
                if (page.isEmpty()) {
                    break;
                }
                matched += page.size();
                after = page.get(page.size() - 1).id();
                long[] withoutHandler = {0};
                database.jdbi().useTransaction(h -> {
                    Map<Long, List<String>> targets = handler == null
                            ? table.handlersOf(h, page.stream().map(EventLog.EventRef::id).toList()) : Map.of();
                    List<HandlerDeliveries.NewDelivery> rows = new ArrayList<>();
                    for (EventLog.EventRef e : page) {
                        List<String> to = handler == null ? targets.getOrDefault(e.id(), List.of()) : List.of(handler);
                        if (to.isEmpty()) {
                            withoutHandler[0]++;
                        }
                        for (String name : to) {
                            rows.add(new HandlerDeliveries.NewDelivery(e.id(), name, e.subject()));
                        }
                    }
                    table.enqueueAll(h, rows, Clock.systemUTC().millis());
                    for (HandlerDeliveries.NewDelivery row : rows) {
                        perHandler.merge(row.handler(), 1L, Long::sum);
                    }
                });
                unhandled += withoutHandler[0];
                if (page.size() < PAGE) {
                    break;
                }
            }
            if (matched == 0) {
                out.println("no recorded events in that range: nothing written");
                out.flush();
                return Main.DONE;
            }
            long written = perHandler.values().stream().mapToLong(Long::longValue).sum();
            out.printf("%d event(s) in range; wrote %d new pending deliver%s, which the running webapp performs:%n",
                    matched, written, written == 1 ? "y" : "ies");
            perHandler.forEach((name, n) -> out.printf("  %-40s %d%n", name, n));
            if (unhandled > 0) {
                out.printf("%d event(s) had no earlier delivery to repeat (no handler took them then); "
                        + "--handler NAME sends them to one%n", unhandled);
            }
            out.flush();
            return Main.DONE;
        }
    }

    /** An ISO-8601 instant, or a date meaning its first instant in UTC. */
    static Instant instant(CommandLine cli, String option, String text) {
        String t = text.trim();
        try {
            return t.length() == 10 ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(cli, option + ": \"" + text + "\" is not a time; expected an "
                    + "ISO-8601 instant such as 2026-11-25T10:00:00Z, or a date such as 2026-11-25 (its start, UTC)");
        }
    }

    private List<String> types(CommandLine cli) {
        if (types == null) {
            return List.of();
        }
        EventCatalog catalog = EventCatalog.aurora();
        Set<String> out = new LinkedHashSet<>();
        for (String name : types) {
            String trimmed = name.trim();
            if (catalog.find(trimmed).isEmpty()) {
                throw new CommandLine.ParameterException(cli, "--type: \"" + name + "\" is not an Aurora event"
                        + NameSuggestions.closest(trimmed, catalog.names()).map(e -> "; did you mean " + e + "?")
                        .orElse("; expected one of the 26 event names, e.g. lead_created"));
            }
            out.add(trimmed);
        }
        return List.copyOf(out);
    }
}
