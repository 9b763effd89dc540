package org.aurorawebhooks.api;

import java.time.Duration;

/**
 * How the API client waits (backoff, {@code Retry-After}, the rate budget): the real one sleeps; a test's
 * moves its settable clock instead, so waits of minutes are checked in milliseconds.
 */
@FunctionalInterface
interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    /** Sleeps the calling thread. */
    Sleeper SYSTEM = d -> {
        long nanos = d.toNanos();
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    };
}
