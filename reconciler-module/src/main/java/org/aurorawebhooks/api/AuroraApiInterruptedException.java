package org.aurorawebhooks.api;

/**
 * The calling thread was interrupted (the webapp is stopping) while it waited for or on Aurora. The
 * thread's interrupt flag is set again before this is thrown. Not a failure of the call: callers stop.
 */
public final class AuroraApiInterruptedException extends AuroraApiException {
    private static final long serialVersionUID = 1L;

    AuroraApiInterruptedException(String message, InterruptedException cause) {
        super(message, cause);
    }
}
