package org.aurorawebhooks.catalog;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Aurora webhook event: its attributes in the order of Aurora's suggested template, each one's
 * placeholder, and the values Aurora documents for it (none means free text). Immutable and
 * thread-safe.
 */
public final class EventType {
    private static final Set<String> LEAD_EVENTS = Set.of("lead_created", "lead_changed", "lead_converted",
            "lead_solar_estimation_job_completed");

    /**
     * Which attribute names an event's subject, in order of preference: a lead's events by its lead, then the
     * project an event belongs to, then the object it is about. The first one the event's template carries wins.
     */
    private static final List<Attribute> SUBJECT_PREFERENCE = List.of(Attribute.LEAD_ID, Attribute.PROJECT_ID,
            Attribute.DESIGN_ID, Attribute.DESIGN_REQUEST_ID, Attribute.PLAN_SET_REQUEST_ID,
            Attribute.SITE_SURVEY_REQUEST_ID, Attribute.SITE_SURVEY_ID, Attribute.APP_ID);

    private final String name;
    private final String description;
    private final String suggestedTemplate;
    private final List<Attribute> attributes;
    private final Map<Attribute, String> placeholders;
    private final Map<Attribute, Set<String>> documentedValues;

    EventType(String name, String description, String suggestedTemplate, List<Attribute> attributes,
              Map<Attribute, String> placeholders, Map<Attribute, Set<String>> documentedValues) {
        this.name = name;
        this.description = description;
        this.suggestedTemplate = suggestedTemplate;
        this.attributes = List.copyOf(attributes);
        this.placeholders = new EnumMap<>(placeholders);
        this.documentedValues = new EnumMap<>(Attribute.class);
        this.documentedValues.putAll(documentedValues);
    }

    /** The event name, e.g. {@code lead_created}: the path segment after {@code aurora.webhooks.path}. */
    public String name() {
        return name;
    }

    /** Aurora's one-sentence description. */
    public String description() {
        return description;
    }

    /** The attributes of the suggested template, in its order. */
    public List<Attribute> attributes() {
        return attributes;
    }

    public boolean has(Attribute attribute) {
        java.util.Objects.requireNonNull(attribute, "attribute == null");
        return placeholders.containsKey(attribute);
    }

    /**
     * The placeholder Aurora fills for the attribute, e.g. {@code <LEAD_ID>}; note
     * {@code design_request_completed} uses {@code <DESIGN_REQUEST_ID_IN_AURORA>} for {@code design_request_id}.
     *
     * @throws IllegalArgumentException when the event has no such attribute
     */
    public String placeholder(Attribute attribute) {
        String p = placeholders.get(attribute);
        if (p == null) {
            throw lacks(attribute);
        }
        return p;
    }

    private IllegalArgumentException lacks(Attribute attribute) {
        StringBuilder names = new StringBuilder();
        for (Attribute a : attributes) {
            names.append(names.length() == 0 ? "" : ", ").append(a.parameter());
        }
        return new IllegalArgumentException("event " + name + " has no attribute " + attribute.parameter()
                + "; its attributes are [" + names + "]");
    }

    /**
     * The values Aurora documents for the attribute in this event; empty means any string.
     *
     * @throws IllegalArgumentException when the event has no such attribute: "none documented" would
     *     wrongly read as "free text"
     */
    public Set<String> documentedValues(Attribute attribute) {
        if (!placeholders.containsKey(attribute)) {
            throw lacks(attribute);
        }
        return documentedValues.getOrDefault(attribute, Set.of());
    }

    /** Lead events make their lead due for a fetch from the Retrieve Lead API. */
    public boolean isLeadEvent() {
        return LEAD_EVENTS.contains(name);
    }

    /**
     * The attribute whose value is the event's subject: handlers get one subject's events in order and
     * never concurrently. {@code lead_*} events by {@code lead_id}; events that carry a {@code project_id}
     * by it (designs and agreements of a project stay in order with the project's own events); the others
     * by the id they are about ({@code design_id}, {@code design_request_id}, ...). Empty for no event of
     * today's catalogue.
     */
    public java.util.Optional<Attribute> subjectAttribute() {
        return SUBJECT_PREFERENCE.stream().filter(placeholders::containsKey).findFirst();
    }

    /** The suggested template after the host, e.g. {@code lead_created?lead_id=<LEAD_ID>&source=<SOURCE>}. */
    public String suggestedTemplate() {
        return suggestedTemplate;
    }

    @Override
    public String toString() {
        return name;
    }
}
