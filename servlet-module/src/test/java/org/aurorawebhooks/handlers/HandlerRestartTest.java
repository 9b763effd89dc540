package org.aurorawebhooks.handlers;

import static org.aurorawebhooks.handlers.HandlerTests.await;
import static org.aurorawebhooks.handlers.HandlerTests.leadEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventWriter;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Pending work lives in the database: what one dispatcher did not do, the next one (after a restart) does. */
class HandlerRestartTest {
    @ParameterizedTest
    @EnumSource(Kind.class)
    void deliveriesQueuedWithoutADispatcherOrLeftByAClosedOneArePerformedAfterARestart(Kind kind) throws Exception {
        Map<String, String> config = TestDatabases.fresh(kind);
        Map<String, List<Long>> recorded = new TreeMap<>();
        HandlerTests.Tracker tracker = new HandlerTests.Tracker();
        // Run 1: recording only, no dispatcher at all.
        HandlerRegistry registry1 = new HandlerRegistry();
        registry1.add(new HandlerTests.Tracking("crm", tracker, 0), "run 1");
        try (Database db = HandlerTests.open(config);
             EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), Clock.systemUTC(), registry1)) {
            write(writer, recorded, 0, 5);
        }
        // Run 2: a dispatcher with a slow handler, closed after a few calls.
        HandlerRegistry registry2 = new HandlerRegistry();
        registry2.add(new HandlerTests.Tracking("crm", tracker, 30), "run 2");
        try (Database db = HandlerTests.open(config);
             EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), Clock.systemUTC(), registry2)) {
            write(writer, recorded, 5, 10);
            HandlerDispatcher dispatcher = new HandlerDispatcher(db, registry2, 2, List.of(Duration.ofSeconds(1)),
                    Duration.ofSeconds(30), Clock.systemUTC());
            dispatcher.start();
            await(() -> tracker.total() >= 3, "a few calls made");
            dispatcher.close();
            List<String> left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .map(Thread::getName).filter(n -> n.startsWith("aurora-handler")).toList();
            assertEquals(List.of(), left, "threads left by close()");
            assertTrue(tracker.total() < 30, "the test needs work left for the next run: " + tracker.total());
            assertTrue(HandlerTests.rows(db).stream().allMatch(r -> r.claimedBy() == null), "close() gave back its claims");
        }
        // Run 3: a new process, in effect: new pool, registry, dispatcher.
        HandlerRegistry registry3 = new HandlerRegistry();
        registry3.add(new HandlerTests.Tracking("crm", tracker, 0), "run 3");
        try (Database db = HandlerTests.open(config);
             HandlerDispatcher dispatcher = new HandlerDispatcher(db, registry3, 2, List.of(Duration.ofSeconds(1)),
                     Duration.ofSeconds(30), Clock.systemUTC())) {
            dispatcher.start();
            await(() -> HandlerTests.allFinished(db, 30), "every delivery finished");
            assertEquals(recorded, tracker.seenBySubject(), "every delivery exactly once, in order per subject");
            assertEquals(List.of(), tracker.violations);
            assertTrue(HandlerTests.rows(db).stream().allMatch(r -> r.status().equals("done") && r.attempts() == 1));
        }
    }

    /** Three subjects, events {@code from} (inclusive) to {@code to} of each. */
    private static void write(EventWriter writer, Map<String, List<Long>> recorded, int from, int to) {
        for (int i = from; i < to; i++) {
            for (String lead : List.of("A", "B", "C")) {
                recorded.computeIfAbsent(lead, k -> new ArrayList<>())
                        .add(writer.write(leadEvent("lead_changed", lead, "&n=" + i), 10_000).id());
            }
        }
    }
}
