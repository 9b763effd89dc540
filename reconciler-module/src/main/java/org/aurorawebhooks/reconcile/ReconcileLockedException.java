package org.aurorawebhooks.reconcile;

/** Another reconcile run holds the lock; this one did not start. */
public final class ReconcileLockedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReconcileLockedException(String holder) {
        super("another reconcile run holds the lock (" + holder + "); try again when it has finished");
    }
}
