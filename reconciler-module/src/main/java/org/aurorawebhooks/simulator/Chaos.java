package org.aurorawebhooks.simulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * How badly the simulated Aurora behaves while {@linkplain SimulatedAurora#chaos(Chaos) chaos is on}: for
 * each API request, one draw decides whether it is answered normally or meets one fault. Throttling and
 * server errors refuse the request before it is handled (nothing changes); a hang, a slow answer and a
 * malformed answer come after it was handled (a created subscription exists although the client never
 * learns it), as with a real server whose answer is lost or cut on the way back.
 *
 * <p>The draws come from one {@link Random} seeded with {@link #seed}: the same seed gives the same
 * sequence of faults, request after request in the order they arrive. Concurrent callers may arrive in
 * another order from one run to the next, so the seed reproduces the faults, not the interleaving.
 *
 * @param seed the seed of every draw
 * @param throttleShare share of requests answered 429 with a {@code Retry-After} of 1 s to {@code maxRetryAfter}
 * @param maxRetryAfter the longest {@code Retry-After} a throttled answer asks for
 * @param serverErrorShare share answered 500, 502, 503 or 504
 * @param hangShare share handled and then answered only after {@code hang}: longer than the client waits
 * @param hang how long a hung answer is held back
 * @param slowShare share answered after a delay of up to {@code maxSlow}
 * @param maxSlow the longest delay of a slow answer
 * @param malformedShare share whose 2xx answer arrives cut in half: JSON that does not parse
 */
public record Chaos(long seed, double throttleShare, Duration maxRetryAfter, double serverErrorShare, double hangShare,
                    Duration hang, double slowShare, Duration maxSlow, double malformedShare) {

    private static final int[] SERVER_ERRORS = {500, 502, 503, 504};

    public Chaos {
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter == null");
        Objects.requireNonNull(hang, "hang == null");
        Objects.requireNonNull(maxSlow, "maxSlow == null");
        double sum = 0;
        for (double share : new double[] {throttleShare, serverErrorShare, hangShare, slowShare, malformedShare}) {
            if (!(share >= 0.0 && share <= 1.0)) {
                throw new IllegalArgumentException("a chaos share must be between 0.0 and 1.0: " + share);
            }
            sum += share;
        }
        if (sum > 1.0) {
            throw new IllegalArgumentException("the chaos shares add up to " + sum + ", more than every request");
        }
        if (maxRetryAfter.toSeconds() < 1 || hang.isNegative() || maxSlow.isNegative()) {
            throw new IllegalArgumentException("maxRetryAfter must be at least 1 s, hang and maxSlow not negative");
        }
    }

    /**
     * A rough day at Aurora for a client whose requests time out after {@code clientTimeout}: 6 % throttled
     * (Retry-After up to 5 s), 6 % server errors, 1.5 % hung for 5 s longer than the client waits, 8 % slow
     * (up to 4 s), 3 % malformed; the rest answered normally.
     */
    public static Chaos typical(long seed, Duration clientTimeout) {
        return new Chaos(seed, 0.06, Duration.ofSeconds(5), 0.06, 0.015, clientTimeout.plusSeconds(5), 0.08,
                Duration.ofSeconds(4), 0.03);
    }

    /** What one request meets. */
    record Draw(ApiRequest.Fault fault, int status, long millis) {
        static final Draw NONE = new Draw(ApiRequest.Fault.NONE, 0, 0);
    }

    /**
     * Draws the fate of one request. Always three draws from {@code random}, whatever the outcome, so the
     * n-th request meets the same fault in every run with the same seed.
     */
    Draw draw(Random random) {
        double u = random.nextDouble();
        int pick = random.nextInt(Integer.MAX_VALUE);
        double v = random.nextDouble();
        double edge = throttleShare;
        if (u < edge) {
            return new Draw(ApiRequest.Fault.THROTTLED, 429, 1000L * (1 + pick % maxRetryAfter.toSeconds()));
        }
        if (u < (edge += serverErrorShare)) {
            return new Draw(ApiRequest.Fault.SERVER_ERROR, SERVER_ERRORS[pick % SERVER_ERRORS.length], 0);
        }
        if (u < (edge += hangShare)) {
            return new Draw(ApiRequest.Fault.HANG, 0, hang.toMillis());
        }
        if (u < (edge += slowShare)) {
            return new Draw(ApiRequest.Fault.SLOW, 0, (long) (v * maxSlow.toMillis()));
        }
        if (u < edge + malformedShare) {
            return new Draw(ApiRequest.Fault.MALFORMED, 0, 0);
        }
        return Draw.NONE;
    }
}
