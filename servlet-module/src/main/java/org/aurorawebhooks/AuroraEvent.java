package org.aurorawebhooks;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.internal.NameSuggestions;

/**
 * One recorded Aurora event as a handler receives it: the row of {@code aurora_webhook_events} and the
 * attempt number of this call. Immutable and thread-safe.
 *
 * <p>Build one in your own tests with {@link #builder(String)}:
 * <pre>{@code
 * AuroraEvent signed = AuroraEvent.builder("agreement_status_changed")
 *         .attribute("project_id", "2f1c…").attribute("agreement_id", "9ab0…").attribute("status", "signed")
 *         .build();
 * }</pre>
 *
 * <p>The <b>subject</b> is the id the event is about, taken from one attribute per event type: {@code lead_id}
 * for the {@code lead_*} events; {@code project_id} for every event that carries one (so a project's designs,
 * agreements and status changes stay in order with each other); otherwise {@code design_id},
 * {@code design_request_id}, {@code plan_set_request_id}, {@code site_survey_request_id},
 * {@code site_survey_id} or {@code app_id}, whichever the event's template carries. The README lists it per
 * event. Empty when the delivery lacked that attribute: such events are not ordered with any other.
 */
public final class AuroraEvent {
    private final long id;
    private final String type;
    private final Instant receivedAt;
    private final int attempt;
    private final Map<String, String> attributes;
    private final String subject;
    private final Long repeatOf;

    private AuroraEvent(Builder b) {
        this.id = b.id;
        this.type = b.type;
        this.receivedAt = b.receivedAt;
        this.attempt = b.attempt;
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
        this.subject = subjectAttribute(type).map(a -> attributes.get(a.parameter())).orElse(null);
        this.repeatOf = b.repeatOf;
    }

    /** A builder for an event of {@code type}, e.g. {@code lead_created}: id 0, received at the epoch, attempt 1. */
    public static Builder builder(String type) {
        return new Builder(type);
    }

    /** The row id in {@code aurora_webhook_events}. */
    public long id() {
        return id;
    }

    /** The event name, e.g. {@code lead_created}. */
    public String type() {
        return type;
    }

    /** When the library received it (UTC). */
    public Instant receivedAt() {
        return receivedAt;
    }

    /** Which call this is for this delivery: 1 on the first, 2 on the first retry, … (counted again from 1 after an operator's retry). */
    public int attempt() {
        return attempt;
    }

    /** The value of a documented attribute (e.g. {@code lead_id}), empty when the delivery lacked it. */
    public Optional<String> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /** The attributes the delivery carried, by parameter name, in the catalogue's order. */
    public Map<String, String> attributes() {
        return attributes;
    }

    /** The id this event is about (see the class comment); a handler gets one subject's events in order. */
    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    /**
     * The id of the earlier identical delivery this one repeats (the {@code repeat_of} column: the same event and
     * attributes within {@code aurora.webhooks.repeat-window}), or empty for a first delivery. A repeat is handed
     * to handlers like any event, because it can be a real second change (two {@code lead_changed} of one lead
     * minutes apart look identical); a handler that wants only first deliveries returns early when this is present.
     */
    public java.util.OptionalLong repeatOf() {
        return repeatOf == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(repeatOf);
    }

    /** This event with another attempt number. */
    public AuroraEvent withAttempt(int attempt) {
        Builder b = toBuilder();
        b.attempt(attempt);
        return b.build();
    }

    private Builder toBuilder() {
        Builder b = new Builder(type).id(id).receivedAt(receivedAt).attempt(attempt);
        b.repeatOf = repeatOf;
        attributes.forEach(b::attribute);
        return b;
    }

    private static Optional<Attribute> subjectAttribute(String type) {
        return EventCatalog.aurora().find(type).flatMap(EventType::subjectAttribute);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuroraEvent e && id == e.id && attempt == e.attempt && type.equals(e.type)
                && receivedAt.equals(e.receivedAt) && attributes.equals(e.attributes) && Objects.equals(repeatOf, e.repeatOf);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, type, receivedAt, attempt, attributes, repeatOf);
    }

    @Override
    public String toString() {
        return "AuroraEvent[id=" + id + ", type=" + type + ", receivedAt=" + receivedAt + ", attempt=" + attempt
                + ", attributes=" + attributes + (repeatOf == null ? "" : ", repeatOf=" + repeatOf) + "]";
    }

    /** Builds an {@link AuroraEvent}; fails fast on a value the library would never hand a handler. Not thread-safe. */
    public static final class Builder {
        private final String type;
        private long id;
        private Instant receivedAt = Instant.EPOCH;
        private int attempt = 1;
        private Long repeatOf;
        private final Map<Attribute, String> byAttribute = new java.util.EnumMap<>(Attribute.class);
        private final Map<String, String> attributes = new LinkedHashMap<>();

        private Builder(String type) {
            Objects.requireNonNull(type, "type == null");
            if (type.isBlank()) {
                throw new IllegalArgumentException("type is empty");
            }
            this.type = type;
        }

        public Builder id(long id) {
            this.id = id;
            return this;
        }

        public Builder receivedAt(Instant receivedAt) {
            this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt == null");
            return this;
        }

        /**
         * Sets the attempt number (1 on a first call).
         *
         * @throws IllegalArgumentException when {@code attempt < 1}
         */
        public Builder attempt(int attempt) {
            if (attempt < 1) {
                throw new IllegalArgumentException("attempt " + attempt + " is less than 1");
            }
            this.attempt = attempt;
            return this;
        }

        /** Marks the event as a repeat of the delivery with id {@code earlierId}. */
        public Builder repeatOf(long earlierId) {
            this.repeatOf = earlierId;
            return this;
        }

        /**
         * Sets a documented attribute.
         *
         * @throws IllegalArgumentException when {@code name} is none of the attributes Aurora documents
         *     (the message suggests the closest), or the value is null
         */
        public Builder attribute(String name, String value) {
            Objects.requireNonNull(name, "name == null");
            Objects.requireNonNull(value, () -> "value of " + name + " == null");
            Attribute a = Attribute.byParameter(name).orElseThrow(() -> new IllegalArgumentException(
                    "\"" + name + "\" is not an attribute Aurora documents"
                            + NameSuggestions.closest(name, parameters()).map(s -> "; did you mean " + s + "?").orElse("")));
            byAttribute.put(a, value);
            attributes.clear();
            byAttribute.forEach((k, v) -> attributes.put(k.parameter(), v));
            return this;
        }

        private static java.util.List<String> parameters() {
            return java.util.Arrays.stream(Attribute.values()).map(Attribute::parameter).toList();
        }

        public AuroraEvent build() {
            return new AuroraEvent(this);
        }
    }
}
