package org.aurorawebhooks.api;

import org.aurorawebhooks.internal.Credentials;

/**
 * An Aurora webhook subscription. {@code id} is null for one not created yet. {@link #toString()}
 * never shows the header value, a basic-auth password in the URL template or a token in its query.
 */
public record Subscription(String id, String event, String urlTemplate, String description, boolean enabled,
                           String headerAuthKey, String headerAuthValue) {

    /** Same event, template, auth and state: nothing to update. */
    public boolean sameAs(Subscription other) {
        return event.equals(other.event) && urlTemplate.equals(other.urlTemplate) && enabled == other.enabled
                && java.util.Objects.equals(headerAuthKey, other.headerAuthKey)
                && java.util.Objects.equals(headerAuthValue, other.headerAuthValue);
    }

    @Override
    public String toString() {
        return "Subscription[id=" + id + ", event=" + event + ", url_template=" + Credentials.maskUrl(urlTemplate) + ", enabled=" + enabled
                + ", header_auth_key=" + headerAuthKey + (headerAuthValue == null ? "" : ", header_auth_value=****") + "]";
    }
}
