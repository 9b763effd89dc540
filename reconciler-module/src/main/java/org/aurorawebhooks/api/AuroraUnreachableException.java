package org.aurorawebhooks.api;

/**
 * Nothing listens at the configured API address (connection refused) or its host name does not resolve:
 * a wrong {@code aurora.api.base-url} far more often than an outage, so it is not retried, and every caller
 * treats it as a fault of the whole configuration (a reconcile pass stops, the lead sync pauses), not of one lead.
 */
public final class AuroraUnreachableException extends AuroraApiException {
    private static final long serialVersionUID = 1L;

    AuroraUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
