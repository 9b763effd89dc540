package org.aurorawebhooks.store;

import java.time.Instant;
import java.util.Arrays;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;

/**
 * One validated delivery, ready to be stored: the values of the documented attributes (indexed by
 * {@link Attribute#ordinal()}, {@code null} when absent), the query string with credentials
 * redacted, the names of attributes that carried an undocumented value, and a fingerprint equal for
 * identical deliveries. Immutable.
 */
public final class Delivery {
    private final String eventType;
    private final boolean leadEvent;
    private final Instant receivedAt;
    private final String[] values;
    private final String queryString;
    private final String undocumented;
    private final String fingerprint;
    private final String subject;

    public Delivery(String eventType, boolean leadEvent, Instant receivedAt, String[] values, String queryString,
                    String undocumented, String fingerprint) {
        if (values.length != Attribute.values().length) {
            throw new IllegalArgumentException("values must have one slot per Attribute");
        }
        this.eventType = eventType;
        this.leadEvent = leadEvent;
        this.receivedAt = receivedAt;
        this.values = values.clone();
        this.queryString = queryString;
        this.undocumented = undocumented;
        this.fingerprint = fingerprint;
        this.subject = EventCatalog.aurora().find(eventType).flatMap(EventType::subjectAttribute)
                .map(this::value).orElse(null);
    }

    public String eventType() {
        return eventType;
    }

    /** Lead events make their lead due for a fetch, in the same transaction as the row. */
    public boolean isLeadEvent() {
        return leadEvent;
    }

    public Instant receivedAt() {
        return receivedAt;
    }

    /** The decoded value of a documented attribute, or {@code null} when the delivery lacks it. */
    public String value(Attribute attribute) {
        return values[attribute.ordinal()];
    }

    public String queryString() {
        return queryString;
    }

    /** Comma-separated names of attributes with an undocumented value, or {@code null}. */
    public String undocumented() {
        return undocumented;
    }

    public String fingerprint() {
        return fingerprint;
    }

    /** The value of the event type's {@linkplain EventType#subjectAttribute() subject attribute}, or {@code null}. */
    public String subject() {
        return subject;
    }

    @Override
    public String toString() {
        return "Delivery[" + eventType + " " + Arrays.toString(values) + "]";
    }
}
