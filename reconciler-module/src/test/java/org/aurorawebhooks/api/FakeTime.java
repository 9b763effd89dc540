package org.aurorawebhooks.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A settable clock that is also the sleeper: sleeping moves the clock instead of the thread, and each
 * sleep is recorded. Tests of waits that last minutes run in milliseconds, without timing thresholds.
 */
public final class FakeTime extends org.aurorawebhooks.testing.SettableClock implements Sleeper {
    private final List<Duration> sleeps = new ArrayList<>();

    public FakeTime(Instant start) {
        super(start);
    }

    @Override
    public synchronized void sleep(Duration duration) {
        sleeps.add(duration);
        advance(duration);
    }

    /** Every sleep so far, in order. */
    public synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }
}
