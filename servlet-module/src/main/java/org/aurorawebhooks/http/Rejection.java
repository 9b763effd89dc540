package org.aurorawebhooks.http;

/**
 * Why a request cannot be accepted: an HTTP status, a stable error code, the parameter at fault
 * (or {@code null}) and a message a person can act on. It never quotes a credential.
 */
final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String parameter;

    Rejection(int status, String code, String parameter, String message) {
        // Rejections are answers, not bugs: no stack trace needed, and none is paid for.
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.parameter = parameter;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String parameter() {
        return parameter;
    }
}
