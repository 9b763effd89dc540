package org.aurorawebhooks.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One API request the simulated Aurora received (its controls under {@code /_simulator} are not API
 * requests), as {@link SimulatedAurora#apiRequests()} lists them: enough to count what a client sent per
 * rate window and what it met.
 *
 * @param arrivedNanos {@link System#nanoTime()} when the simulator began to handle it
 * @param key which API key it carried: {@code primary} for the simulator's own token, the label given to
 *     {@link SimulatedAurora#acceptToken} for another, {@code unauthorized} for none or a wrong one (never
 *     the token itself)
 * @param method the HTTP method
 * @param path the path, without the query
 * @param status the status answered; 0 when no answer was written (the simulator stopped during a hang)
 * @param fault what the request met, {@link Fault#NONE} when it was answered as asked
 */
public record ApiRequest(long arrivedNanos, String key, String method, String path, int status, Fault fault) {

    /** What a request met. */
    public enum Fault {
        /** Answered as asked (a 404 for a lead that does not exist is an answer, not a fault). */
        NONE,
        /** 429 from the simulator's own rate limit: the client sent more than the limit allows. */
        RATE_LIMITED,
        /** 429 chosen by chaos (or {@link SimulatedAurora#throttleNext}), whatever the client's pace. */
        THROTTLED,
        /** A 5xx chosen by chaos (or {@link SimulatedAurora#failNext}). */
        SERVER_ERROR,
        /** Handled, then answered only after the client had stopped waiting. */
        HANG,
        /** Handled, then answered late. */
        SLOW,
        /** A 2xx answer cut in half: JSON that does not parse. */
        MALFORMED,
        /** 404 because the tenant was {@linkplain SimulatedAurora#tenantUnknown(boolean) unknown} at the time. */
        UNKNOWN_TENANT
    }

    public ApiRequest {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(method, "method == null");
        Objects.requireNonNull(path, "path == null");
        Objects.requireNonNull(fault, "fault == null");
    }

    /**
     * The busiest window of {@code length}: the most requests whose arrivals all lie within less than
     * {@code length} of each other, i.e. what a server counting requests per sliding window would count
     * at its worst moment.
     *
     * @param requests in order of arrival
     */
    public static Window busiestWindow(List<ApiRequest> requests, Duration length) {
        long span = length.toNanos();
        Window best = new Window(0, 0, 0);
        int from = 0;
        for (int to = 0; to < requests.size(); to++) {
            long end = requests.get(to).arrivedNanos();
            while (end - requests.get(from).arrivedNanos() >= span) {
                from++;
            }
            int count = to - from + 1;
            if (count > best.count()) {
                best = new Window(count, requests.get(from).arrivedNanos(), end);
            }
        }
        return best;
    }

    /**
     * A window of arrivals.
     *
     * @param count requests in it
     * @param firstNanos arrival of its first request
     * @param lastNanos arrival of its last request
     */
    public record Window(int count, long firstNanos, long lastNanos) {
    }
}
