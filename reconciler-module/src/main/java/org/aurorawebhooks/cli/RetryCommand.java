package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.HandlerDeliveries;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "retry", mixinStandardHelpOptions = true,
        description = "Make dead handler deliveries pending again, due now, with a fresh count of attempts: the "
                + "running webapp delivers them again. Ids as dead-letters lists them, or --all.")
final class RetryCommand implements Callable<Integer> {
    /** Ids per transaction: a short lock on the rows, and far below every driver's limit of parameters. */
    private static final int CHUNK = 500;

    @Mixin
    CliContext context;

    @Parameters(paramLabel = "ID", arity = "0..*", description = "ids of dead deliveries (dead-letters shows them)")
    List<Long> ids;

    @Option(names = "--all", description = "every dead delivery")
    boolean all;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        boolean some = ids != null && !ids.isEmpty();
        if (some == all) {
            throw new CommandLine.ParameterException(spec.commandLine(), all
                    ? "retry: give either ids or --all, not both"
                    : "retry: which deliveries? Give their ids (dead-letters lists them) or --all");
        }
        Settings settings = context.settings();
        PrintWriter out = spec.commandLine().getOut();
        out.println(CliContext.databaseLine(settings));
        out.flush();
        try (Database database = CliContext.openForReading(settings, "retry", HandlerDeliveries.TABLE)) {
            HandlerDeliveries table = new HandlerDeliveries(database.dialect());
            List<Long> asked = all ? database.jdbi().withHandle(table::deadIds) : List.copyOf(new LinkedHashSet<>(ids));
            List<Long> retried = new ArrayList<>();
            for (int from = 0; from < asked.size(); from += CHUNK) {
                List<Long> chunk = asked.subList(from, Math.min(asked.size(), from + CHUNK));
                retried.addAll(database.jdbi().inTransaction(h -> table.retryDead(h, chunk, Clock.systemUTC().millis())));
            }
            Set<Long> done = Set.copyOf(retried);
            List<Long> notDead = asked.stream().filter(id -> !done.contains(id)).toList();
            if (retried.isEmpty() && all) {
                out.println("no dead handler deliveries to retry");
            } else if (!retried.isEmpty()) {
                out.printf("retried %d dead deliver%s, pending again: %s%n", retried.size(),
                        retried.size() == 1 ? "y" : "ies", list(retried));
                out.println("the running webapp delivers them within seconds; dead-letters shows them again if they fail "
                        + "to the last attempt");
            }
            if (!notDead.isEmpty()) {
                out.printf("not retried, no dead delivery with %s: %s (unknown, or pending or done)%n",
                        notDead.size() == 1 ? "this id" : "these ids", list(notDead));
                out.flush();
                return Main.FAILURES;
            }
            out.flush();
            return Main.DONE;
        }
    }

    private static String list(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
