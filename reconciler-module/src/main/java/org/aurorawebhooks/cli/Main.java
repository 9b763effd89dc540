package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.aurorawebhooks.api.AuroraApiException;
import org.aurorawebhooks.api.AuroraAuthenticationException;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.reconcile.ReconcileLockedException;
import org.aurorawebhooks.store.DatabaseUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The operator CLI: {@code java -jar aurora-reconciler.jar COMMAND [options]}.
 *
 * <p>Exit codes: 0 done; 1 done with failures (the summary lists them); 2 usage or configuration
 * error; 3 could not run (database or API unreachable, token refused, another run holds the lock, a
 * database to read that is not there).
 */
@Command(name = "aurora-reconciler", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Reconcile Aurora leads, manage webhook subscriptions, run a simulated Aurora, or look after "
                + "handler deliveries and retention.",
        subcommands = {ReconcileCommand.class, ScheduleCommand.class, StatusCommand.class, SubscribeCommand.class,
            SubscriptionsCommand.class, UnsubscribeCommand.class, SimulateCommand.class, TriggerCommand.class,
            EventsCommand.class, DeadLettersCommand.class, RetryCommand.class, ReplayCommand.class, PruneCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:done with failures (the summary lists them)", "2:usage or configuration error",
            "3:could not run (database or API unreachable, token refused, another run holds the lock, "
                + "a database to read that is not there)"})
public final class Main implements Runnable {
    static final int DONE = 0;
    static final int FAILURES = 1;
    static final int USAGE = 2;
    static final int COULD_NOT_RUN = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.Charset.defaultCharset()), true),
                new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.Charset.defaultCharset()), true),
                System.getenv()));
    }

    /** Runs a command; used by {@link #main} and by tests, which pass their own streams and environment. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(Main::exitCode);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("aurora-reconciler: " + message(e));
            return exitCode(e);
        });
        // A bad value a command finds once its options are parsed (an unknown event, --runs 0) gets one line
        // naming the option, like a configuration error; picocli's own parse errors keep their usage text.
        AtomicBoolean executing = new AtomicBoolean();
        CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
        cli.setExecutionStrategy(parseResult -> {
            executing.set(true);
            return runLast.execute(parseResult);
        });
        CommandLine.IParameterExceptionHandler parseErrors = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((e, arguments) -> {
            if (!executing.get()) {
                return parseErrors.handleParseException(e, arguments);
            }
            e.getCommandLine().getErr().println("aurora-reconciler: " + message(e));
            return USAGE;
        });
        CliContext.environment = env;
        return cli.execute(args);
    }

    static int exitCode(Throwable e) {
        if (e instanceof ConfigException || e instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        if (e instanceof AuroraAuthenticationException || e instanceof DatabaseUnavailableException
                || e instanceof ReconcileLockedException || e instanceof AuroraApiException) {
            return COULD_NOT_RUN;
        }
        return COULD_NOT_RUN;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: "
                + String.join(", ", spec.subcommands().keySet()) + " (--help describes each)");
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"aurora-reconciler " + (v == null ? "development build" : v)};
        }
    }
}
