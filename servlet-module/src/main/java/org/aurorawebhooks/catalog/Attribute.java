package org.aurorawebhooks.catalog;

import java.util.Optional;

/**
 * The URL attributes Aurora documents across its events. Each is a query parameter of a delivery
 * and a column of {@code aurora_webhook_events} with the same name.
 */
public enum Attribute {
    PROJECT_ID(Kind.ID),
    AGREEMENT_ID(Kind.ID),
    AHJ_ID(Kind.ID),
    APP_ID(Kind.ID),
    DESIGN_ID(Kind.ID),
    ASSET_ID(Kind.ID),
    ASSET_TYPE(Kind.TEXT),
    JOB_ID(Kind.ID),
    LEAD_ID(Kind.ID),
    DESIGN_REQUEST_ID(Kind.ID),
    PLAN_SET_REQUEST_ID(Kind.ID),
    SITE_SURVEY_REQUEST_ID(Kind.ID),
    SITE_SURVEY_ID(Kind.ID),
    STATUS(Kind.TEXT),
    SOURCE(Kind.TEXT),
    ATTRIBUTES(Kind.ATTRIBUTE_LIST);

    /** How a value is validated. */
    public enum Kind {
        /** An opaque id: Aurora sends UUIDs. */
        ID,
        /** A string; an event may document the values it takes. */
        TEXT,
        /** A comma-separated list of attribute names ({@code project_changed}). */
        ATTRIBUTE_LIST
    }

    private final Kind kind;
    private final String parameter;

    Attribute(Kind kind) {
        this.kind = kind;
        this.parameter = name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The query parameter and column name, e.g. {@code lead_id}. */
    public String parameter() {
        return parameter;
    }

    public Kind kind() {
        return kind;
    }

    /** The attribute named {@code parameter} in Aurora's templates, e.g. {@code lead_id}. */
    public static Optional<Attribute> byParameter(String parameter) {
        for (Attribute a : values()) {
            if (a.parameter.equals(parameter)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
