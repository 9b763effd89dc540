package org.aurorawebhooks.api;

/** Aurora answered 401 or 403: the token or tenant is wrong. Retrying cannot help, so nothing retries it. */
public final class AuroraAuthenticationException extends AuroraApiException {
    private static final long serialVersionUID = 1L;

    public AuroraAuthenticationException(String message) {
        super(message);
    }
}
