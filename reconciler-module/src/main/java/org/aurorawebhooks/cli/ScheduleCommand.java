package org.aurorawebhooks.cli;

import java.time.Clock;
import java.util.concurrent.Callable;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.reconcile.ReconcileSchedule;
import org.aurorawebhooks.reconcile.Reconciler;
import org.aurorawebhooks.store.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = "Stay up and run a reconcile pass on aurora.reconciler.cron (Quartz, clustered on PostgreSQL and MariaDB/MySQL).")
final class ScheduleCommand implements Callable<Integer> {
    @Mixin
    CliContext context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = context.settings();
        CliContext.requireApi(settings);
        String cron = settings.reconcilerCron().orElseThrow(() -> new ConfigException(Key.RECONCILER_CRON.key()
                + " from " + settings.sourceOf(Key.RECONCILER_CRON) + " is off: the schedule command has nothing to run"));
        spec.commandLine().getOut().println(CliContext.databaseLine(settings));
        try (Database database = CliContext.openDatabase(settings); AuroraApi api = AuroraApi.create(settings)) {
            Reconciler reconciler = new Reconciler(database, api, Clock.systemUTC());
            ReconcileSchedule schedule = ReconcileSchedule.start(database, reconciler, cron, settings.lookback());
            Runtime.getRuntime().addShutdownHook(new Thread(schedule::close, "aurora-schedule-shutdown"));
            spec.commandLine().getOut().println("aurora-reconciler: reconcile scheduled on \"" + cron
                    + "\"; stop with Ctrl-C or SIGTERM");
            spec.commandLine().getOut().flush();
            schedule.awaitShutdown();
            return Main.DONE;
        }
    }
}
