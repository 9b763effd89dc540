package org.aurorawebhooks.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A request budget of N per minute, handed out as evenly spaced permits: N+1 consecutive permits span
 * at least a full minute, so a server counting N requests per sliding minute never has to refuse one.
 * One budget per Aurora API key and process ({@link #shared}): the lead sync, the reconciler and
 * {@code subscribe} all draw from it. When Aurora still answers 429, {@link #pauseFor} holds every
 * caller back for the {@code Retry-After} it gave. Thread-safe.
 */
public final class RateBudget {
    private static final Map<String, RateBudget> SHARED = new ConcurrentHashMap<>();

    private final int requestsPerMinute;
    private final long intervalNanos;
    private final Clock clock;
    private final Sleeper sleeper;
    private long nextFree;

    public RateBudget(int requestsPerMinute) {
        this(requestsPerMinute, MonotonicClock.INSTANCE, Sleeper.SYSTEM);
    }

    /** A budget on the given time (tests move a settable clock with their {@code sleeper}). */
    RateBudget(int requestsPerMinute, Clock clock, Sleeper sleeper) {
        if (requestsPerMinute <= 0) {
            throw new IllegalArgumentException("requestsPerMinute must be positive: " + requestsPerMinute);
        }
        this.requestsPerMinute = requestsPerMinute;
        // Round up: a permit a nanosecond early could be the one a sliding window refuses.
        this.intervalNanos = (60_000_000_000L + requestsPerMinute - 1) / requestsPerMinute;
        this.clock = java.util.Objects.requireNonNull(clock, "clock == null");
        this.sleeper = java.util.Objects.requireNonNull(sleeper, "sleeper == null");
        this.nextFree = nanos(clock.instant());
    }

    /**
     * The process-wide budget for {@code key} (base URL and tenant). The first caller fixes its rate;
     * later callers asking for another rate get the existing budget, since one key has one limit.
     */
    static RateBudget shared(String key, int requestsPerMinute) {
        return SHARED.computeIfAbsent(key, k -> new RateBudget(requestsPerMinute));
    }

    public int requestsPerMinute() {
        return requestsPerMinute;
    }

    /** Blocks until the next permit is due. */
    void acquire() throws InterruptedException {
        acquire(null);
    }

    /**
     * Blocks until the next permit is due, unless it would be due only after {@code deadline}: then it
     * takes none and returns false at once.
     */
    boolean acquire(Instant deadline) throws InterruptedException {
        long slot;
        synchronized (this) {
            long now = nanos(clock.instant());
            slot = Math.max(now, nextFree);
            if (deadline != null && slot > nanos(deadline)) {
                return false;
            }
            nextFree = slot + intervalNanos;
        }
        long wait = slot - nanos(clock.instant());
        if (wait > 0) {
            sleeper.sleep(Duration.ofNanos(wait));
        }
        return true;
    }

    /** Holds every caller back for {@code wait}: Aurora said Retry-After. */
    synchronized void pauseFor(Duration wait) {
        nextFree = Math.max(nextFree, nanos(clock.instant()) + wait.toNanos());
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
