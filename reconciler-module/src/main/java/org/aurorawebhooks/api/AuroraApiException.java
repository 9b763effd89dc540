package org.aurorawebhooks.api;

/** A call to Aurora's API failed for good (after the retries it deserved). Never carries the token. */
public class AuroraApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AuroraApiException(String message) {
        super(message);
    }

    public AuroraApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
