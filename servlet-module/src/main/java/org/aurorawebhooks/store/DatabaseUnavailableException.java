package org.aurorawebhooks.store;

/** The database could not be reached or refused the work; the caller may retry later. */
public final class DatabaseUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
