package org.aurorawebhooks.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    private static final List<Duration> WAITS = List.of(Duration.ofSeconds(10), Duration.ofMinutes(1));

    @Test
    void waitsAreTheScheduleStretchedOrShrunkByAtMostAFifth() {
        assertEquals(Duration.ofSeconds(8), new RetrySchedule(WAITS, () -> 0.0).waitAfter(1));
        assertEquals(Duration.ofSeconds(10), new RetrySchedule(WAITS, () -> 0.5).waitAfter(1));
        assertEquals(Duration.ofSeconds(72), new RetrySchedule(WAITS, () -> 0.99999).waitAfter(2), "rounded: at most 1.2 x");
    }

    @Test
    void attemptsAreOneMoreThanTheWaitsAndTheLastIsKnown() {
        RetrySchedule schedule = new RetrySchedule(WAITS, () -> 0.5);
        assertEquals(3, schedule.attempts());
        assertFalse(schedule.isLast(2));
        assertTrue(schedule.isLast(3));
        RetrySchedule none = new RetrySchedule(List.of(), () -> 0.5);
        assertEquals(1, none.attempts());
        assertTrue(none.isLast(1));
    }
}
