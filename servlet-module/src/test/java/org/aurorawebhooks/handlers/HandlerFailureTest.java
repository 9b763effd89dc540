package org.aurorawebhooks.handlers;

import static org.aurorawebhooks.handlers.HandlerTests.await;
import static org.aurorawebhooks.handlers.HandlerTests.leadEvent;
import static org.aurorawebhooks.handlers.HandlerTests.rowOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventWriter;
import org.aurorawebhooks.testing.SettableClock;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Retries, dead letters and what a failing event does to its subject, with the clock moved by the test: a
 * failing head holds its subject's later events (not other subjects') until it succeeds or dies.
 */
class HandlerFailureTest {
    private static final Duration FIRST_WAIT = Duration.ofSeconds(10);
    private static final Duration SECOND_WAIT = Duration.ofSeconds(20);

    /** A1 always fails, C1 fails twice then succeeds, everything else succeeds; calls logged as "A1#attempt". */
    static final class Flaky implements AuroraEventHandler {
        final Map<Long, String> labels = new ConcurrentHashMap<>();
        final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void handle(AuroraEvent event) throws Exception {
            String label = labels.get(event.id());
            calls.add(label + "#" + event.attempt());
            if (label.equals("A1")) {
                throw new IllegalStateException("no CRM account for " + label);
            }
            if (label.equals("C1") && event.attempt() < 3) {
                throw new IOException("CRM down", new java.net.ConnectException("connection refused"));
            }
        }

        List<String> callsOf(String subject) {
            synchronized (calls) {
                return calls.stream().filter(c -> c.startsWith(subject)).toList();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFailingHeadHoldsItsSubjectOnlyIsRetriedOnTheScheduleAndEndsDeadWithItsError(Kind kind) throws Exception {
        SettableClock clock = new SettableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        HandlerRegistry registry = new HandlerRegistry();
        Flaky flaky = new Flaky();
        registry.add(flaky, "test");
        try (Database db = HandlerTests.open(TestDatabases.fresh(kind));
             HandlerDispatcher dispatcher = new HandlerDispatcher(db, registry, 4, List.of(FIRST_WAIT, SECOND_WAIT),
                     Duration.ofSeconds(30), clock);
             EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), clock, registry)) {
            Map<String, Long> ids = new java.util.TreeMap<>();
            for (String label : List.of("A1", "B1", "C1", "A2", "B2", "C2")) {
                long id = writer.write(leadEvent("lead_changed", label.substring(0, 1), "&n=" + label), 10_000).id();
                ids.put(label, id);
                flaky.labels.put(id, label);
            }
            dispatcher.start();

            long t0 = clock.millis();
            await(() -> rowOf(db, ids.get("B2")).status().equals("done") && failedOnce(db, ids.get("A1"), 1)
                    && failedOnce(db, ids.get("C1"), 1), "B done, A1 and C1 failed once");
            assertEquals(List.of("A1#1"), flaky.callsOf("A"), "A2 waits behind the failing A1");
            assertEquals(List.of("C1#1"), flaky.callsOf("C"));
            assertEquals(List.of("B1#1", "B2#1"), flaky.callsOf("B"), "another subject is not held");
            HandlerTests.Row a1 = rowOf(db, ids.get("A1"));
            assertEquals("java.lang.IllegalStateException: no CRM account for A1", a1.lastError());
            assertWithinJitter(t0, FIRST_WAIT, a1.dueAt());
            assertEquals("java.io.IOException: CRM down (caused by java.net.ConnectException: connection refused)",
                    rowOf(db, ids.get("C1")).lastError());

            clock.advance(FIRST_WAIT.multipliedBy(12).dividedBy(10).plusMillis(1));
            long t1 = clock.millis();
            dispatcher.wake();
            await(() -> failedOnce(db, ids.get("A1"), 2) && failedOnce(db, ids.get("C1"), 2), "second attempts failed");
            assertEquals(List.of("A1#1", "A1#2"), flaky.callsOf("A"));
            assertEquals(List.of("C1#1", "C1#2"), flaky.callsOf("C"));
            assertWithinJitter(t1, SECOND_WAIT, rowOf(db, ids.get("A1")).dueAt());
            assertWithinJitter(t1, SECOND_WAIT, rowOf(db, ids.get("C1")).dueAt());

            clock.advance(SECOND_WAIT.multipliedBy(12).dividedBy(10).plusMillis(1));
            long t2 = clock.millis();
            dispatcher.wake();
            await(() -> HandlerTests.allFinished(db, 6), "every delivery done or dead");
            assertEquals(List.of("A1#1", "A1#2", "A1#3", "A2#1"), flaky.callsOf("A"), "A2 goes on once A1 is dead");
            assertEquals(List.of("C1#1", "C1#2", "C1#3", "C2#1"), flaky.callsOf("C"));
            a1 = rowOf(db, ids.get("A1"));
            assertEquals("dead", a1.status());
            assertEquals(3, a1.attempts());
            assertEquals("java.lang.IllegalStateException: no CRM account for A1", a1.lastError());
            assertEquals(t2, a1.finishedAt());
            assertNull(a1.claimedBy());
            HandlerTests.Row c1 = rowOf(db, ids.get("C1"));
            assertEquals("done", c1.status());
            assertEquals(3, c1.attempts());
            for (String label : List.of("A2", "B1", "B2", "C2")) {
                HandlerTests.Row row = rowOf(db, ids.get(label));
                assertEquals("done", row.status(), label);
                assertEquals(1, row.attempts(), label);
            }
            assertEquals(1, db.jdbi().withHandle(h -> new org.aurorawebhooks.store.HandlerDeliveries(db.dialect())
                    .deadLetters(h, 10)).size(), "the dead letter is listed");
        }
    }

    /** The delivery failed {@code attempts} times and is not claimed (its failure recorded). */
    private static boolean failedOnce(Database db, long eventId, int attempts) {
        HandlerTests.Row row = rowOf(db, eventId);
        return row.attempts() == attempts && row.claimedBy() == null;
    }

    private static void assertWithinJitter(long failedAt, Duration wait, long dueAt) {
        long low = failedAt + Math.round(wait.toMillis() * (1 - RetrySchedule.JITTER));
        long high = failedAt + Math.round(wait.toMillis() * (1 + RetrySchedule.JITTER));
        assertTrue(dueAt >= low && dueAt <= high, "due at +" + (dueAt - failedAt) + " ms, expected " + wait + " ± 20%");
    }
}
