package org.aurorawebhooks.handlers;

import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * When a failed handler call is tried again: the configured waits ({@code aurora.handlers.retry-schedule}),
 * each stretched or shrunk by up to a fifth at random, so that calls that failed together (a downstream
 * outage) do not all come back in the same second. Thread-safe.
 */
final class RetrySchedule {
    /** A wait is multiplied by a factor in [1 - JITTER, 1 + JITTER). */
    static final double JITTER = 0.2;

    private final List<Duration> waits;
    private final DoubleSupplier random;

    /** @param random values in [0, 1) */
    RetrySchedule(List<Duration> waits, DoubleSupplier random) {
        this.waits = List.copyOf(waits);
        this.random = random;
    }

    /** The number of attempts a delivery gets: one more than the waits between them. */
    int attempts() {
        return waits.size() + 1;
    }

    /** Whether attempt number {@code attempt} (1-based) that just failed was the last. */
    boolean isLast(int attempt) {
        return attempt >= attempts();
    }

    /** How long to wait after failed attempt {@code attempt} (1-based, not the last). */
    Duration waitAfter(int attempt) {
        Duration base = waits.get(attempt - 1);
        double factor = 1 - JITTER + 2 * JITTER * random.getAsDouble();
        return Duration.ofMillis(Math.max(1, Math.round(base.toMillis() * factor)));
    }
}
