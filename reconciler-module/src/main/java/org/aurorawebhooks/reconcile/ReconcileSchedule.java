package org.aurorawebhooks.reconcile;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the reconciler on {@code aurora.reconciler.cron} with Quartz. On PostgreSQL and MariaDB/MySQL, Quartz keeps its
 * triggers in the same database ({@code aurora_qrtz_*} tables) and runs clustered, so with several
 * nodes each scheduled run happens once; on SQLite (one node) triggers live in memory.
 */
public final class ReconcileSchedule implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReconcileSchedule.class);
    /** Every node of a cluster must use the same scheduler name: Quartz coordinates by it. */
    static final String CLUSTER_NAME = "aurora-webhooks";
    private static final JobKey JOB = JobKey.jobKey("reconcile", "aurora-webhooks");
    private static final String RECONCILER = "aurora.reconciler";
    private static final String LOOKBACK = "aurora.lookback";

    /** How long stopping waits for a pass to record itself interrupted and for Quartz's threads to end. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private final Scheduler scheduler;
    private final Reconciler reconciler;
    private final String providerKey;

    private ReconcileSchedule(Scheduler scheduler, Reconciler reconciler, String providerKey) {
        this.scheduler = scheduler;
        this.reconciler = reconciler;
        this.providerKey = providerKey;
    }

    /**
     * Checks {@code aurora.reconciler.cron} when the configuration loads, before anything opens the database:
     * a typo must not wait for the schedule to start (or, for commands that never schedule, pass unnoticed).
     *
     * @throws ConfigException naming the key, its source, the value and what is expected
     */
    public static void requireValidCron(Settings settings) {
        settings.reconcilerCron().ifPresent(cron -> requireValidCron(cron, Key.RECONCILER_CRON.key() + " from "
                + settings.sourceOf(Key.RECONCILER_CRON)));
    }

    private static void requireValidCron(String cron, String what) {
        if (!CronExpression.isValidExpression(cron)) {
            throw new ConfigException(what + ": \"" + cron + "\" is not a Quartz cron expression "
                    + "(seconds minutes hours day-of-month month day-of-week, e.g. 0 0 2 * * ?), nor off");
        }
    }

    /**
     * Validates the cron expression and starts the schedule.
     *
     * @throws ConfigException when {@code cron} is not a valid Quartz cron expression
     */
    public static ReconcileSchedule start(Database database, Reconciler reconciler, String cron, Duration lookback) {
        requireValidCron(cron, Key.RECONCILER_CRON.key());
        String providerKey = null;
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "1");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        Optional<String> delegate = database.dialect().quartzDelegate();
        if (delegate.isPresent()) {
            providerKey = UUID.randomUUID().toString();
            SharedDataSource.register(providerKey, database.dataSource());
            p.setProperty("org.quartz.scheduler.instanceName", CLUSTER_NAME);
            p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
            p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
            p.setProperty("org.quartz.jobStore.driverDelegateClass", delegate.get());
            p.setProperty("org.quartz.jobStore.tablePrefix", "aurora_qrtz_");
            // Job data as properties, not Java serialization: the JDK's serialization cache keeps each class it has
            // described (here Quartz's JobDataMap, loaded by the webapp) until its next use anywhere in the JVM, so
            // an undeployed webapp's whole class loader stayed in memory. Our jobs carry no data.
            p.setProperty("org.quartz.jobStore.useProperties", "true");
            p.setProperty("org.quartz.jobStore.isClustered", "true");
            p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
            p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
            p.setProperty("org.quartz.jobStore.dataSource", "aurora");
            p.setProperty("org.quartz.dataSource.aurora.connectionProvider.class", SharedDataSource.class.getName());
            p.setProperty("org.quartz.dataSource.aurora.key", providerKey);
        } else {
            // Unique per instance: Quartz keeps a JVM-wide registry of schedulers by name.
            p.setProperty("org.quartz.scheduler.instanceName", CLUSTER_NAME + "-" + UUID.randomUUID());
            p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        }
        try {
            Scheduler scheduler = new StdSchedulerFactory(p).getScheduler();
            scheduler.getContext().put(RECONCILER, reconciler);
            scheduler.getContext().put(LOOKBACK, lookback);
            JobDetail job = JobBuilder.newJob(ReconcileJob.class).withIdentity(JOB).storeDurably()
                    .withDescription("aurora-webhooks reconcile").build();
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity("reconcile-cron", "aurora-webhooks").forJob(JOB)
                    .withSchedule(CronScheduleBuilder.cronSchedule(cron).withMisfireHandlingInstructionFireAndProceed())
                    .build();
            declare(scheduler, job, trigger, cron);
            scheduler.start();
            log.info("aurora-webhooks: reconcile scheduled on \"{}\" ({}), next run at {}", cron,
                    delegate.isPresent() ? "Quartz clustered on the database" : "in memory",
                    // The stored trigger's: where another node declared it first, ours was never scheduled.
                    scheduler.getTrigger(trigger.getKey()).getNextFireTime());
            return new ReconcileSchedule(scheduler, reconciler, providerKey);
        } catch (SchedulerException e) {
            if (providerKey != null) {
                SharedDataSource.unregister(providerKey);
            }
            throw new IllegalStateException("cannot start the reconcile schedule: " + e.getMessage(), e);
        }
    }

    /**
     * Every node declares the same job. Replacing an unchanged trigger would reset its state and fire the
     * same time twice in a cluster, so an existing trigger is replaced only when the cron changed; two
     * nodes creating it at once leave one winner.
     */
    private static void declare(Scheduler scheduler, JobDetail job, Trigger trigger, String cron) throws SchedulerException {
        Trigger existing = scheduler.getTrigger(trigger.getKey());
        if (existing instanceof org.quartz.CronTrigger c && c.getCronExpression().equals(cron)
                && scheduler.checkExists(job.getKey())) {
            return;
        }
        if (existing != null) {
            scheduler.scheduleJob(job, java.util.Set.of(trigger), true);
            return;
        }
        try {
            scheduler.scheduleJob(job, trigger);
        } catch (org.quartz.ObjectAlreadyExistsException e) {
            // another node declared it at the same moment
        }
    }

    /** Blocks until the scheduler is shut down (the CLI's {@code schedule} command). */
    public void awaitShutdown() throws InterruptedException {
        while (!isShutdown()) {
            Thread.sleep(500);
        }
    }

    private boolean isShutdown() {
        try {
            return scheduler.isShutdown();
        } catch (SchedulerException e) {
            return true;
        }
    }

    /**
     * Stops the schedule and every thread it started. A pass in progress is interrupted rather than
     * waited for (at Aurora's rate limit a pass can take hours, and an undeploy or Ctrl-C must not): it
     * records itself {@code interrupted} and releases the lock, and the next pass redoes its work. Then
     * Quartz stops, and its threads (scheduler, worker, cluster check-in, misfire handler) are joined, so
     * a stopping webapp leaves none behind.
     */
    @Override
    public void close() {
        reconciler.stop(STOP_WAIT);
        try {
            // Quartz names its scheduler, cluster and misfire threads after the instance, its workers after the scheduler.
            String ownThreads = "QuartzScheduler_" + scheduler.getSchedulerName() + "-" + scheduler.getSchedulerInstanceId();
            String workers = scheduler.getSchedulerName() + "_Worker-";
            // The pass has ended; give its job the moment it needs to return and tell the (clustered) job store,
            // with a deadline rather than Quartz's own unbounded wait for jobs; the joins below bound the rest.
            long jobsDeadline = System.nanoTime() + STOP_WAIT.toNanos();
            while (!scheduler.getCurrentlyExecutingJobs().isEmpty() && System.nanoTime() < jobsDeadline) {
                Thread.sleep(10);
            }
            scheduler.shutdown(false);
            // Quartz only tells its threads to stop: join them, so that a stopping webapp leaves none behind.
            long deadline = System.nanoTime() + STOP_WAIT.toNanos();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                long left = deadline - System.nanoTime();
                if ((t.getName().startsWith(ownThreads) || t.getName().startsWith(workers)) && left > 0) {
                    t.join(Math.max(1, left / 1_000_000));
                }
            }
        } catch (SchedulerException e) {
            log.warn("aurora-webhooks: stopping the reconcile schedule failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (providerKey != null) {
                SharedDataSource.unregister(providerKey);
            }
        }
    }

    /** The Quartz job: one reconcile pass; Quartz never runs two at once on a node, the lock across nodes. */
    @DisallowConcurrentExecution
    public static final class ReconcileJob implements Job {
        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            Reconciler reconciler = null;
            try {
                reconciler = (Reconciler) context.getScheduler().getContext().get(RECONCILER);
                Duration lookback = (Duration) context.getScheduler().getContext().get(LOOKBACK);
                RunReport report = reconciler.run(RunTrigger.SCHEDULE, context.getScheduledFireTime().toInstant(), lookback,
                        false, Progress.Listener.NONE);
                log.info("aurora-webhooks: scheduled {}", report.summary());
            } catch (ReconcileInterruptedException e) {
                log.info("aurora-webhooks: scheduled reconcile stopped: {}", e.getMessage());
                // The interrupt was meant for the pass, which has ended; Quartz's worker must not see it.
                Thread.interrupted();
            } catch (ReconcileLockedException e) {
                log.info("aurora-webhooks: scheduled reconcile skipped: {}", e.getMessage());
                try {
                    reconciler.recordSkipped(RunTrigger.SCHEDULE, context.getScheduledFireTime().toInstant(), e.getMessage());
                } catch (RuntimeException recordFailure) {
                    log.warn("aurora-webhooks: could not record the skipped run: {}", recordFailure.getMessage());
                }
            } catch (SchedulerException | RuntimeException e) {
                log.error("aurora-webhooks: scheduled reconcile failed: {}", e.getMessage(), e);
            }
        }
    }

    /** Hands the library's own pool to Quartz, found by a key Quartz passes in its properties. */
    public static final class SharedDataSource implements ConnectionProvider {
        private static final Map<String, DataSource> REGISTRY = new ConcurrentHashMap<>();
        private String key;

        static void register(String key, DataSource dataSource) {
            REGISTRY.put(key, dataSource);
        }

        static void unregister(String key) {
            REGISTRY.remove(key);
        }

        /** Set by Quartz from {@code org.quartz.dataSource.aurora.key}. */
        public void setKey(String key) {
            this.key = key;
        }

        @Override
        public Connection getConnection() throws SQLException {
            DataSource ds = REGISTRY.get(key);
            if (ds == null) {
                throw new SQLException("the aurora-webhooks database for the schedule is closed");
            }
            return ds.getConnection();
        }

        @Override
        public void shutdown() {
            // the pool belongs to the library's Database, which closes it
        }

        @Override
        public void initialize() {
            // nothing to set up: the pool exists already
        }
    }
}
