package org.aurorawebhooks.api;

/**
 * Counts of one {@link AuroraApi} instance's HTTP attempts.
 *
 * @param calls every HTTP request sent, retries included
 * @param throttled requests Aurora answered with 429
 */
public record ApiStats(long calls, long throttled) {
}
