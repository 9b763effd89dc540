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

    /** The same monotonic instants, seen in another zone. */
    @Override
    public Clock withZone(ZoneId zone) {
        MonotonicClock self = this;
        return zone.equals(ZoneOffset.UTC) ? this : new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return self.withZone(other);
            }

            @Override
            public Instant instant() {
                return self.instant();
            }
        };
    }

    @Override
    public Instant instant() {
        return base.plusNanos(System.nanoTime() - baseNanos);
    }
}
