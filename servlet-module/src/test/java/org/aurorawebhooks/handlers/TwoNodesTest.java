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

/** Two nodes (two pools, two dispatchers) on one database server: each delivery once, a subject never on both at once. */
class TwoNodesTest {
    private static final int SUBJECTS = 10;
    private static final int EVENTS_PER_SUBJECT = 8;

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void everyDeliveryOnceAndNoSubjectOnBothNodesAtOnce(Kind kind) throws Exception {
        Map<String, String> config = TestDatabases.fresh(kind);
        HandlerTests.Tracker tracker = new HandlerTests.Tracker(); // sees both nodes: one subject's calls anywhere
        HandlerRegistry node1 = new HandlerRegistry();
        HandlerTests.Tracking on1 = new HandlerTests.Tracking("crm", tracker, 10);
        node1.add(on1, "node 1");
        HandlerRegistry node2 = new HandlerRegistry();
        HandlerTests.Tracking on2 = new HandlerTests.Tracking("crm", tracker, 10);
        node2.add(on2, "node 2");
        Map<String, List<Long>> recorded = new TreeMap<>();
        try (Database db1 = HandlerTests.open(config);
             Database db2 = HandlerTests.open(config);
             EventWriter writer = new EventWriter(db1, Duration.ofMinutes(5), Clock.systemUTC(), node1);
             HandlerDispatcher dispatcher1 = new HandlerDispatcher(db1, node1, 3, List.of(Duration.ofSeconds(1)),
                     Duration.ofSeconds(30), Clock.systemUTC());
             HandlerDispatcher dispatcher2 = new HandlerDispatcher(db2, node2, 3, List.of(Duration.ofSeconds(1)),
                     Duration.ofSeconds(30), Clock.systemUTC())) {
            // A subject's events next to each other in the queue: a claim taking more than a subject's head
            // would take several of one subject at once.
            for (int s = 0; s < SUBJECTS; s++) {
                for (int i = 0; i < EVENTS_PER_SUBJECT; i++) {
                    String lead = "L" + s;
                    recorded.computeIfAbsent(lead, k -> new ArrayList<>())
                            .add(writer.write(leadEvent("lead_changed", lead, "&n=" + i), 10_000).id());
                }
            }
            dispatcher1.start(); // both find the queue full: they claim against each other from the start
            dispatcher2.start();
            await(() -> HandlerTests.allFinished(db1, SUBJECTS * EVENTS_PER_SUBJECT), "every delivery finished");
            assertEquals(List.of(), tracker.violations);
            assertEquals(recorded, tracker.seenBySubject(), "each delivery once, each subject in order");
            assertEquals(SUBJECTS * EVENTS_PER_SUBJECT, on1.calls.get() + on2.calls.get());
            assertTrue(on1.calls.get() > 0 && on2.calls.get() > 0,
                    "both nodes took part: " + on1.calls.get() + " and " + on2.calls.get());
            assertTrue(HandlerTests.rows(db1).stream().allMatch(r -> r.status().equals("done") && r.attempts() == 1));
        }
    }
}
