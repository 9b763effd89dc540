package org.aurorawebhooks.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A request budget of N per minute, handed out as evenly spaced permits: N+1 consecutive permits span
 * at least a minute and a second ({@link #JITTER_MARGIN}), so a server counting N requests per sliding
 * minute never has to refuse one, even when a request reaches it up to a second later than the others.
 * One budget per Aurora API key and process ({@link #shared}): the lead sync, the reconciler and
 * {@code subscribe} all draw from it. When Aurora still answers 429, {@link #pauseFor} holds every
 * caller back for the {@code Retry-After} it gave. Thread-safe.
 */
public final class RateBudget {
    private static final Map<String, RateBudget> SHARED = new ConcurrentHashMap<>();
    /**
     * Added to the minute that N+1 permits span. A request reaches Aurora some time after its permit, and
     * not always the same time (a thread woken late, a connection opened, the network): with permits
     * exactly 60/N s apart, a server counting per sliding minute now and then sees N+1 and answers 429,
     * which holds back every caller. Measured against the simulator on a loaded 2-core machine: up to
     * 180 ms of such jitter, and 121 requests within one minute at a budget of 120. The margin costs 1/61
     * of the budget's pace.
     */
    static final Duration JITTER_MARGIN = Duration.ofSeconds(1);

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
        long span = 60_000_000_000L + JITTER_MARGIN.toNanos();
        this.intervalNanos = (span + requestsPerMinute - 1) / requestsPerMinute;
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
