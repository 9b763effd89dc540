package org.aurorawebhooks.handlers;

import static org.aurorawebhooks.handlers.HandlerTests.await;
import static org.aurorawebhooks.handlers.HandlerTests.leadEvent;
import static org.aurorawebhooks.handlers.HandlerTests.rowOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventWriter;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.api.Test;

/** Handlers that hang: interrupted after aurora.handlers.timeout, or, when they ignore it, taken over once the claim expires. */
class HandlerTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    /** The first call of the first event sleeps until interrupted; every call notes its thread and interrupt flag. */
    static final class Sleeper implements AuroraEventHandler {
        final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean interrupted = new AtomicBoolean();
        volatile long sleepy;

        @Override
        public void handle(AuroraEvent event) throws InterruptedException {
            calls.add(event.id() + "#" + event.attempt() + (Thread.currentThread().isInterrupted() ? " already interrupted" : ""));
            threads.add(Thread.currentThread().getName());
            if (event.id() == sleepy && event.attempt() == 1) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                }
            }
        }
    }

    @Test
    void aCallLongerThanTheTimeoutIsInterruptedRecordedAsFailedAndItsWorkerServesTheNextCalls() throws Exception {
        HandlerRegistry registry = new HandlerRegistry();
        Sleeper sleeper = new Sleeper();
        registry.add(sleeper, "test");
        try (Database db = HandlerTests.open(TestDatabases.fresh(Kind.SQLITE));
             HandlerDispatcher dispatcher = new HandlerDispatcher(db, registry, 1, List.of(Duration.ofMillis(100)),
                     TIMEOUT, Clock.systemUTC());
             EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), Clock.systemUTC(), registry)) {
            long slow = writer.write(leadEvent("lead_changed", "X", ""), 10_000).id();
            sleeper.sleepy = slow;
            long other = writer.write(leadEvent("lead_changed", "Y", ""), 10_000).id();
            long third = writer.write(leadEvent("lead_changed", "Z", ""), 10_000).id();
            dispatcher.start();
            await(() -> HandlerTests.allFinished(db, 3), "every delivery finished");
            assertTrue(sleeper.interrupted.get(), "the sleeping call was interrupted");
            HandlerTests.Row row = rowOf(db, slow);
            assertEquals("done", row.status());
            assertEquals(2, row.attempts());
            assertEquals("timed out after PT0.3S (aurora.handlers.timeout); interrupted", row.lastError());
            assertEquals("done", rowOf(db, other).status());
            assertEquals("done", rowOf(db, third).status());
            assertEquals(4, sleeper.calls.size(), sleeper.calls.toString());
            assertTrue(sleeper.calls.contains(slow + "#1") && sleeper.calls.contains(slow + "#2")
                    && sleeper.calls.contains(other + "#1") && sleeper.calls.contains(third + "#1"),
                    "no call starts with its thread interrupted: " + sleeper.calls);
            assertEquals(List.of("aurora-handler-1"), sleeper.threads.stream().distinct().toList(),
                    "the one worker served every call");
        }
    }

    /** Its first call ignores interrupts and waits for the test; later calls succeed. */
    static final class Stubborn implements AuroraEventHandler {
        final List<Integer> attempts = java.util.Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch returned = new CountDownLatch(1);
        final AtomicBoolean interrupted = new AtomicBoolean();

        @Override
        public void handle(AuroraEvent event) {
            attempts.add(event.attempt());
            if (event.attempt() == 1) {
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted.set(true); // ignored, as a badly written handler would
                    }
                }
                returned.countDown();
            }
        }
    }

    @Test
    void aCallIgnoringTheInterruptLosesItsClaimIsTakenOverAsTheNextAttemptAndItsLateEndChangesNothing() throws Exception {
        HandlerRegistry registry = new HandlerRegistry();
        Stubborn stubborn = new Stubborn();
        registry.add(stubborn, "test");
        Duration grace = Duration.ofMillis(200);
        try (Database db = HandlerTests.open(TestDatabases.fresh(Kind.SQLITE));
             EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), Clock.systemUTC(), registry)) {
            long id;
            HandlerTests.Row done;
            try (HandlerDispatcher dispatcher = new HandlerDispatcher(db, registry, 2,
                    List.of(Duration.ofMillis(100), Duration.ofMillis(100)), TIMEOUT, grace, Clock.systemUTC())) {
                id = writer.write(leadEvent("lead_changed", "X", ""), 10_000).id();
                dispatcher.start();
                await(() -> rowOf(db, id).status().equals("done"), "the delivery taken over and done");
                done = rowOf(db, id);
                assertEquals(2, done.attempts(), "the expired claim counted as attempt 1");
                assertEquals("no outcome within aurora.handlers.timeout (PT0.3S) plus PT0.2S: the node calling it "
                        + "stopped or lost the database, or the handler ignored the interrupt", done.lastError());
                assertTrue(stubborn.interrupted.get(), "the hung call was interrupted at its timeout");
                stubborn.release.countDown();
                stubborn.returned.await();
            } // close() waits for the late call to report its outcome
            assertEquals(done, rowOf(db, id), "the late end of attempt 1 changed nothing");
            assertEquals(List.of(1, 2), stubborn.attempts);
        }
    }

    /** Always hangs ignoring the interrupt, until released. */
    static final class Hopeless implements AuroraEventHandler {
        final List<Integer> attempts = java.util.Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void handle(AuroraEvent event) {
            attempts.add(event.attempt());
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // ignored
                }
            }
        }
    }

    @Test
    void aCallThatHangsEveryTimeEndsDeadInsteadOfBeingRetriedForever() throws Exception {
        HandlerRegistry registry = new HandlerRegistry();
        Hopeless hopeless = new Hopeless();
        registry.add(hopeless, "test");
        try (Database db = HandlerTests.open(TestDatabases.fresh(Kind.SQLITE));
             EventWriter writer = new EventWriter(db, Duration.ofMinutes(5), Clock.systemUTC(), registry)) {
            long id;
            try (HandlerDispatcher dispatcher = new HandlerDispatcher(db, registry, 3, List.of(Duration.ofMillis(100)),
                    TIMEOUT, Duration.ofMillis(100), Clock.systemUTC())) {
                id = writer.write(leadEvent("lead_changed", "X", ""), 10_000).id();
                dispatcher.start();
                await(() -> rowOf(db, id).status().equals("dead"), "the delivery dead after two hung attempts");
                hopeless.release.countDown();
            }
            HandlerTests.Row dead = rowOf(db, id);
            assertEquals(2, dead.attempts());
            assertTrue(dead.lastError().startsWith("no outcome within aurora.handlers.timeout"), dead.lastError());
            assertEquals(List.of(1, 2), hopeless.attempts, "not called a third time");
        }
    }
}
