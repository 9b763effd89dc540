package org.aurorawebhooks.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that stands still until the test moves it: leases, windows and backoffs are tested by
 * moving time, never by sleeping. Thread-safe.
 */
public class SettableClock extends Clock {
    private Instant now;

    public SettableClock() {
        this(Instant.parse("2026-11-25T10:00:00Z"));
    }

    public SettableClock(Instant start) {
        this.now = start;
    }

    public synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
