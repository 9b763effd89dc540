package org.aurorawebhooks.api;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that only moves forward: the wall time at start plus {@link System#nanoTime()} since. The
 * rate budget and the API client measure waits with it, so a wall clock set back an hour (NTP, a VM
 * resumed) can never make them wait an hour.
 */
final class MonotonicClock extends Clock {
    static final MonotonicClock INSTANCE = new MonotonicClock();

    private final Instant base = Instant.now();
    private final long baseNanos = System.nanoTime();

    private MonotonicClock() {
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the API client's clock is UTC only");
    }

    @Override
    public Instant instant() {
        return base.plusNanos(System.nanoTime() - baseNanos);
    }
}
