package org.aurorawebhooks.api;

/**
 * Aurora answered 404 for a call that only needs the tenant to exist (List Leads, the webhook list): the
 * tenant id is wrong. Nothing retries it, and nothing may treat a lead's 404 as "gone" while it holds.
 */
public final class AuroraUnknownTenantException extends AuroraApiException {
    private static final long serialVersionUID = 1L;

    AuroraUnknownTenantException(String message) {
        super(message);
    }
}
