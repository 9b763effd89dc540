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

/** Order per subject: one subject's events in recorded order and one at a time; subjects in parallel. */
class HandlerOrderTest {
    private static final int SUBJECTS = 6;
    private static final int EVENTS_PER_SUBJECT = 8;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void eachSubjectInRecordedOrderNeverTwoAtOnceAndSubjectsInParallel(Kind kind) throws Exception {
        HandlerTests.Tracker tracker = new HandlerTests.Tracker();
        HandlerRegistry registry = new HandlerRegistry();
        registry.add(new HandlerTests.Tracking("ordered", tracker, 15), "test");
        Map<String, List<Long>> recorded = new TreeMap<>();
        try (Database db = HandlerTests.open(TestDatabases.fresh(kind));
             HandlerDispatcher dispatcher = new HandlerDispatcher(db, registry, 4, List.of(Duration.ofSeconds(1)),
                     Duration.ofSeconds(30), Clock.systemUTC());
             EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), Clock.systemUTC(), registry)) {
            // Half queued before the dispatcher starts, a subject's events next to each other: a claim that took
            // more than a subject's head would take several of one subject at once.
            for (int s = 0; s < SUBJECTS; s++) {
                for (int i = 0; i < EVENTS_PER_SUBJECT / 2; i++) {
                    write(writer, recorded, "L" + s, i);
                }
            }
            dispatcher.start();
            // The other half while it runs, subjects interleaved.
            for (int i = EVENTS_PER_SUBJECT / 2; i < EVENTS_PER_SUBJECT; i++) {
                for (int s = 0; s < SUBJECTS; s++) {
                    write(writer, recorded, "L" + s, i);
                }
            }
            await(() -> tracker.total() == SUBJECTS * EVENTS_PER_SUBJECT, "every event handled");
            await(() -> HandlerTests.allFinished(db, SUBJECTS * EVENTS_PER_SUBJECT), "every delivery finished");
            assertEquals(List.of(), tracker.violations);
            assertEquals(recorded, tracker.seenBySubject(), "each subject's events once, in recorded order");
            assertTrue(HandlerTests.rows(db).stream().allMatch(r -> r.status().equals("done") && r.attempts() == 1));
            assertTrue(tracker.maxInFlight.get() > 1, "different subjects never ran in parallel");
        }
    }

    private static void write(EventWriter writer, Map<String, List<Long>> recorded, String lead, int n) {
        long id = writer.write(leadEvent("lead_changed", lead, "&n=" + n), 10_000).id();
        recorded.computeIfAbsent(lead, k -> new ArrayList<>()).add(id);
    }
}
