package org.aurorawebhooks.reconcile;

/**
 * The pass was stopped before its end (the webapp or the schedule is stopping): it is recorded as
 * {@code interrupted}, its lock is released, and the next pass redoes what it did not finish.
 */
final class ReconcileInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReconcileInterruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
