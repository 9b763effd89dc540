package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.reconcile.Reconciler;
import org.aurorawebhooks.reconcile.RunReport;
import org.aurorawebhooks.reconcile.RunTrigger;
import org.aurorawebhooks.store.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "Run one reconcile pass now: re-fetch recently touched leads and list leads from the API "
                + "to catch lead_created/lead_changed deliveries that never arrived.")
final class ReconcileCommand implements Callable<Integer> {
    @Mixin
    CliContext context;

    @Option(names = "--since", paramLabel = "DURATION",
            description = "how far back 'recently touched' reaches: ISO-8601 (P2D, PT12H) or 90m, 12h, 3d; "
                    + "default aurora.reconciler.lookback")
    String since;

    @Option(names = "--dry-run", description = "fetch and compare, but change nothing in the database")
    boolean dryRun;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Settings settings = context.settings();
        CliContext.requireApi(settings);
        Duration window = since == null ? settings.lookback() : parseDuration(spec.commandLine(), since);
        PrintWriter out = spec.commandLine().getOut();
        out.println(CliContext.databaseLine(settings));
        out.println(CliContext.apiLine(settings));
        out.flush();
        try (Database database = CliContext.openDatabase(settings); AuroraApi api = AuroraApi.create(settings)) {
            Reconciler reconciler = new Reconciler(database, api, Clock.systemUTC());
            ProgressPrinter progress = new ProgressPrinter(out, onTerminal());
            RunReport report = reconciler.run(RunTrigger.CLI, window, dryRun, progress);
            progress.finish();
            out.print(report.summary());
            out.flush();
            return report.clean() ? Main.DONE : Main.FAILURES;
        }
    }

    /** ISO-8601 ({@code P2D}, {@code PT12H}) or a number with a unit: {@code 90m}, {@code 12h}, {@code 3d}. */
    static Duration parseDuration(CommandLine cli, String text) {
        return parseDuration(cli, "--since", text);
    }

    /** As {@link #parseDuration(CommandLine, String)}, naming {@code option} in the usage error. */
    static Duration parseDuration(CommandLine cli, String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.matches("\\d+[smhd]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                return switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            Duration d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (DateTimeParseException | NumberFormatException e) {
            // fall through to the usage error
        }
        throw new CommandLine.ParameterException(cli, option + ": \"" + text
                + "\" is not a positive duration; expected ISO-8601 such as P2D or PT12H, or 90m, 12h, 3d");
    }

    /**
     * Whether the live progress line fits: on Java 17 to 21 {@code System.console()} is null unless both
     * ends are a terminal (from Java 22 it is not null when piped either, and the line degrades to the
     * periodic log lines' cost of a carriage return).
     */
    @SuppressWarnings("SystemConsoleNull")
    private static boolean onTerminal() {
        return System.console() != null;
    }
}
