package org.aurorawebhooks.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.api.RateBudget;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quartz.JobDataMap;

/**
 * The clustered schedule keeps its job and trigger data without Java serialization. Serializing Quartz's
 * JobDataMap made the JDK's serialization cache hold the class, and with it the whole class loader of an
 * undeployed webapp, until the next serialization anywhere in the server (StandaloneServerIT in the evidence
 * module found it on Tomcat and Jetty). Rows that an earlier version wrote serialized are still read.
 */
class ScheduleJobDataTest {
    /** The first two bytes of every Java serialization stream. */
    private static final int STREAM_MAGIC = 0xACED;

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void clusteredScheduleStoresNoJavaSerializedData(Kind kind) throws Exception {
        try (SimulatedAurora aurora = SimulatedAurora.start(SimulatedAurora.Options.defaults().withAutoFire(false));
             Database database = open(kind)) {
            try (ReconcileSchedule schedule = start(database, aurora, "0 0 2 * * ?")) {
                List<byte[]> data = jobData(database);
                assertEquals(2, data.size(), "the job's and the trigger's data");
                for (byte[] bytes : data) {
                    assertFalse(bytes != null && bytes.length >= 2 && ((bytes[0] & 0xff) << 8 | (bytes[1] & 0xff)) == STREAM_MAGIC,
                            "job data stored with Java serialization");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void scheduleWhoseRowsAnEarlierVersionSerializedStillFires(Kind kind) throws Exception {
        try (SimulatedAurora aurora = SimulatedAurora.start(SimulatedAurora.Options.defaults()
                .withRequestsPerMinute(60_000).withAutoFire(false));
             Database database = open(kind)) {
            String cron = "0/1 * * * * ?";
            start(database, aurora, cron).close();
            ByteArrayOutputStream serialized = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(serialized)) {
                out.writeObject(new JobDataMap());
            }
            byte[] earlier = serialized.toByteArray();
            database.jdbi().useHandle(h -> {
                h.createUpdate("UPDATE aurora_qrtz_JOB_DETAILS SET job_data = :data").bind("data", earlier).execute();
                h.createUpdate("UPDATE aurora_qrtz_TRIGGERS SET job_data = :data").bind("data", earlier).execute();
            });
            try (ReconcileSchedule schedule = start(database, aurora, cron)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (scheduledRuns(database) == 0) {
                    if (System.nanoTime() > deadline) {
                        fail("no scheduled reconcile within 60 s on rows an earlier version wrote");
                    }
                    Thread.sleep(200);
                }
            }
        }
    }

    private static Database open(Kind kind) {
        Database database = Database.open(Settings.of(TestDatabases.fresh(kind)));
        database.ensureMigrated();
        return database;
    }

    private static ReconcileSchedule start(Database database, SimulatedAurora aurora, String cron) {
        AuroraApi api = AuroraApi.create(URI.create(aurora.baseUrl()), aurora.tenantId(), aurora.token(),
                new RateBudget(6000), Duration.ofSeconds(10));
        return ReconcileSchedule.start(database, new Reconciler(database, api, Clock.systemUTC()), cron, Duration.ofDays(2));
    }

    private static List<byte[]> jobData(Database database) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT job_data FROM aurora_qrtz_JOB_DETAILS UNION ALL "
                + "SELECT job_data FROM aurora_qrtz_TRIGGERS").map((rs, ctx) -> rs.getBytes(1)).list());
    }

    private static int scheduledRuns(Database database) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM aurora_reconcile_runs "
                + "WHERE trigger_type = 'schedule'").mapTo(Integer.class).one());
    }
}
