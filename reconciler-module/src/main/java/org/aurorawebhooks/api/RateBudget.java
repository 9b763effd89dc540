package org.aurorawebhooks.api;

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
    private long nextFree = System.nanoTime();

    public RateBudget(int requestsPerMinute) {
        if (requestsPerMinute <= 0) {
            throw new IllegalArgumentException("requestsPerMinute must be positive: " + requestsPerMinute);
        }
        this.requestsPerMinute = requestsPerMinute;
        // Round up: a permit a nanosecond early could be the one a sliding window refuses.
        this.intervalNanos = (60_000_000_000L + requestsPerMinute - 1) / requestsPerMinute;
    }

    /**
     * The process-wide budget for {@code key} (base URL and tenant). The first caller fixes its rate;
     * later callers asking for another rate get the existing budget, since one key has one limit.
     */
    public static RateBudget shared(String key, int requestsPerMinute) {
        return SHARED.computeIfAbsent(key, k -> new RateBudget(requestsPerMinute));
    }

    public int requestsPerMinute() {
        return requestsPerMinute;
    }

    /** Blocks until the next permit is due. */
    public void acquire() throws InterruptedException {
        long slot;
        synchronized (this) {
            long now = System.nanoTime();
            slot = Math.max(now, nextFree);
            nextFree = slot + intervalNanos;
        }
        long wait = slot - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** Holds every caller back for {@code millis}: Aurora said Retry-After. */
    public synchronized void pauseFor(long millis) {
        nextFree = Math.max(nextFree, System.nanoTime() + millis * 1_000_000);
    }
}
