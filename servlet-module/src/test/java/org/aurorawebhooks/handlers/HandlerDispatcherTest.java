package org.aurorawebhooks.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.Delivery;
import org.aurorawebhooks.store.EventWriter;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The dispatcher on each database: recorded events reach the handlers that accept them, in order per subject. */
class HandlerDispatcherTest {
    private static Database open(Map<String, String> config) {
        Database db = Database.open(Settings.of(config));
        db.ensureMigrated();
        return db;
    }

    static Delivery leadEvent(String type, String leadId, String extra) {
        String[] values = new String[Attribute.values().length];
        values[Attribute.LEAD_ID.ordinal()] = leadId;
        return new Delivery(type, true, Instant.now(), values, "lead_id=" + leadId + extra, null,
                String.format("%032x", (type + "/" + leadId + extra).hashCode()));
    }

    /** Records the events it gets, by lead. */
    static final class Recording implements AuroraEventHandler {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void handle(AuroraEvent event) {
            seen.add(event.type() + "/" + event.subject().orElse("-") + "/" + event.attempt()
                    + (event.repeatOf().isPresent() ? "/repeat" : ""));
        }

        @Override
        public boolean accepts(String eventType) {
            return !eventType.equals("lead_solar_estimation_job_completed");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void recordedEventsReachTheAcceptingHandlerInOrderAndAreMarkedDone(Kind kind) throws Exception {
        HandlerRegistry registry = new HandlerRegistry();
        Recording recording = new Recording();
        registry.add(recording, "test");
        try (Database db = open(TestDatabases.fresh(kind));
             HandlerDispatcher dispatcher = new HandlerDispatcher(db, registry, 2, List.of(Duration.ofSeconds(1)),
                     Duration.ofSeconds(30), Clock.systemUTC());
             EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), Clock.systemUTC(), registry)) {
            dispatcher.start();
            writer.write(leadEvent("lead_created", "L1", ""), 10_000);
            writer.write(leadEvent("lead_solar_estimation_job_completed", "L1", "&j"), 10_000);
            writer.write(leadEvent("lead_changed", "L1", ""), 10_000);
            writer.write(leadEvent("lead_changed", "L1", ""), 10_000); // a repeat: handed over, marked
            writer.write(leadEvent("lead_converted", "L1", "&p"), 10_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (recording.seen.size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of("lead_created/L1/1", "lead_changed/L1/1", "lead_changed/L1/1/repeat", "lead_converted/L1/1"),
                    recording.seen);
            HandlerDeliveries table = new HandlerDeliveries(db.dialect());
            List<HandlerDeliveries.HandlerCounts> counts = db.jdbi().withHandle(table::counts);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (counts.get(0).done() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                counts = db.jdbi().withHandle(table::counts);
            }
            assertEquals(List.of(new HandlerDeliveries.HandlerCounts(recording.name(), 0, 0, 0, 4)), counts);
            assertEquals(4, recording.seen.size());
        }
    }
}
