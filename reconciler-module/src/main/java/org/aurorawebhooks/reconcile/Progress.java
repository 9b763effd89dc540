package org.aurorawebhooks.reconcile;

import java.time.Duration;

/**
 * Where a running pass stands: work units done of an estimated total (an API call each), calls made,
 * and the time left at the rate budget's pace.
 */
public record Progress(long done, long total, long apiCalls, Duration eta) {

    /** Receives progress updates; called from the reconciling thread. */
    @FunctionalInterface
    public interface Listener {
        void update(Progress progress);

        Listener NONE = p -> { };
    }
}
