package org.aurorawebhooks.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.junit.jupiter.api.Test;

/** AuroraEvent as users build it in their own tests: the subject per event type, and the builder's checks. */
class AuroraEventBuilderTest {
    /** The subject attribute of every catalogue event, written out by hand: the table the README documents. */
    private static final Map<String, String> SUBJECT = new TreeMap<>(Map.ofEntries(
            Map.entry("agreement_status_changed", "project_id"),
            Map.entry("ahj_lookup_completed", "project_id"),
            Map.entry("app_status_changed", "app_id"),
            Map.entry("asset_created", "design_id"),
            Map.entry("auto_designer_job_completed", "design_id"),
            Map.entry("consumption_profile_changed", "project_id"),
            Map.entry("design_created", "project_id"),
            Map.entry("design_deleted", "project_id"),
            Map.entry("design_request_completed", "design_request_id"),
            Map.entry("design_request_created", "design_request_id"),
            Map.entry("design_request_rejected", "design_request_id"),
            Map.entry("fire_pathway_placement_job_completed", "design_id"),
            Map.entry("lead_changed", "lead_id"),
            Map.entry("lead_converted", "lead_id"),
            Map.entry("lead_created", "lead_id"),
            Map.entry("lead_solar_estimation_job_completed", "lead_id"),
            Map.entry("panel_irradiance_analysis_job_completed", "design_id"),
            Map.entry("performance_simulation_job_completed", "design_id"),
            Map.entry("plan_set_request_status_changed", "plan_set_request_id"),
            Map.entry("project_changed", "project_id"),
            Map.entry("project_created", "project_id"),
            Map.entry("project_deleted", "project_id"),
            Map.entry("project_status_changed", "project_id"),
            Map.entry("site_survey_requested", "site_survey_request_id"),
            Map.entry("site_survey_status_changed", "site_survey_id"),
            Map.entry("web_proposal_url_created", "design_id")));

    @Test
    void everyCatalogueEventHasTheSubjectOfTheTable() {
        assertEquals(SUBJECT.keySet(), new java.util.TreeSet<>(EventCatalog.aurora().names()));
        for (EventType type : EventCatalog.aurora().events()) {
            AuroraEvent.Builder b = AuroraEvent.builder(type.name());
            for (Attribute a : type.attributes()) {
                b.attribute(a.parameter(), a.parameter() + "-value");
            }
            assertEquals(Optional.of(SUBJECT.get(type.name()) + "-value"), b.build().subject(), type.name());
        }
    }

    @Test
    void withoutItsSubjectAttributeOrOfAnUnknownTypeAnEventHasNoSubject() {
        assertEquals(Optional.empty(), AuroraEvent.builder("lead_converted").attribute("project_id", "P1").build().subject());
        assertEquals(Optional.empty(), AuroraEvent.builder("lead_teleported").attribute("lead_id", "L1").build().subject());
        assertEquals(Optional.of("L1"), AuroraEvent.builder("lead_converted").attribute("project_id", "P1")
                .attribute("lead_id", "L1").build().subject(), "lead_id wins over project_id");
    }

    @Test
    void theBuilderKeepsWhatItIsGivenWithDefaults() {
        AuroraEvent e = AuroraEvent.builder("agreement_status_changed").attribute("status", "signed")
                .attribute("project_id", "P9").id(42).receivedAt(Instant.parse("2026-11-25T10:00:00Z")).attempt(3).build();
        assertEquals(42, e.id());
        assertEquals(3, e.attempt());
        assertEquals(Instant.parse("2026-11-25T10:00:00Z"), e.receivedAt());
        assertEquals(Optional.of("signed"), e.attribute("status"));
        assertEquals(Optional.empty(), e.attribute("agreement_id"));
        assertEquals(java.util.List.of("project_id", "status"), java.util.List.copyOf(e.attributes().keySet()),
                "attributes in the catalogue's order");
        AuroraEvent plain = AuroraEvent.builder("lead_created").build();
        assertEquals(1, plain.attempt());
        assertEquals(0, plain.id());
        assertEquals(Instant.EPOCH, plain.receivedAt());
        assertEquals(4, e.withAttempt(4).attempt());
        assertEquals(e, e.withAttempt(4).withAttempt(3));
    }

    @Test
    void anUnknownAttributeIsRejectedWithTheClosestName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AuroraEvent.builder("lead_created").attribute("lead_idd", "L1"));
        assertEquals("\"lead_idd\" is not an attribute Aurora documents; did you mean lead_id?", e.getMessage());
    }

    @Test
    void anAttemptBelowOneAndEmptyValuesAreRejected() {
        assertEquals("attempt 0 is less than 1", assertThrows(IllegalArgumentException.class,
                () -> AuroraEvent.builder("lead_created").attempt(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> AuroraEvent.builder("lead_created").attempt(-1));
        assertEquals("type == null", assertThrows(NullPointerException.class, () -> AuroraEvent.builder(null)).getMessage());
        assertEquals("type is empty", assertThrows(IllegalArgumentException.class, () -> AuroraEvent.builder(" ")).getMessage());
        assertEquals("value of lead_id == null", assertThrows(NullPointerException.class,
                () -> AuroraEvent.builder("lead_created").attribute("lead_id", null)).getMessage());
    }
}
