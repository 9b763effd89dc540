package org.aurorawebhooks.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class EventCatalogTest {
    private final EventCatalog catalog = EventCatalog.aurora();

    private EventType event(String name) {
        return catalog.find(name).orElseThrow();
    }

    @Test
    void builtInCatalogueIsLoadedOnce() {
        assertSame(catalog, EventCatalog.aurora());
        assertSame(catalog.find("lead_created").orElseThrow(), EventCatalog.aurora().find("lead_created").orElseThrow());
    }

    @Test
    void unknownEventIsAbsent() {
        assertEquals(Optional.empty(), catalog.find("lead_deleted"));
        assertEquals(Optional.empty(), catalog.find(""));
        assertEquals(Optional.empty(), catalog.find("LEAD_CREATED"));
        assertEquals(Optional.empty(), catalog.find("lead_created "));
    }

    @Test
    void eventsAndNamesAreSortedByName() {
        assertEquals(26, catalog.events().size());
        assertEquals(catalog.names().stream().sorted().toList(), catalog.names());
        assertEquals("agreement_status_changed", catalog.names().get(0));
        assertEquals("web_proposal_url_created", catalog.names().get(25));
        assertEquals(catalog.names(), catalog.events().stream().map(EventType::name).toList());
    }

    @Test
    void exposedCollectionsCannotBeModified() {
        EventType projectChanged = event("project_changed");
        assertThrows(UnsupportedOperationException.class, () -> catalog.events().clear());
        assertThrows(UnsupportedOperationException.class, () -> catalog.names().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> projectChanged.attributes().clear());
        assertThrows(UnsupportedOperationException.class,
                () -> projectChanged.documentedValues(Attribute.SOURCE).add("csv"));
        assertThrows(UnsupportedOperationException.class,
                () -> event("project_status_changed").documentedValues(Attribute.STATUS).add("x"));
    }

    @Test
    void exactlyTheFourLeadEventsAreLeadEvents() {
        List<String> leadEvents = catalog.events().stream().filter(EventType::isLeadEvent).map(EventType::name).toList();
        assertEquals(List.of("lead_changed", "lead_converted", "lead_created", "lead_solar_estimation_job_completed"),
                leadEvents);
    }

    @Test
    void leadCreatedCarriesLeadIdAndSource() {
        EventType leadCreated = event("lead_created");
        assertEquals("lead_created?lead_id=<LEAD_ID>&source=<SOURCE>", leadCreated.suggestedTemplate());
        assertEquals(List.of(Attribute.LEAD_ID, Attribute.SOURCE), leadCreated.attributes());
        assertTrue(leadCreated.has(Attribute.LEAD_ID));
        assertFalse(leadCreated.has(Attribute.PROJECT_ID));
        assertEquals("<LEAD_ID>", leadCreated.placeholder(Attribute.LEAD_ID));
        assertEquals(Set.of("lcai", "api"), leadCreated.documentedValues(Attribute.SOURCE));
        assertTrue(leadCreated.documentedValues(Attribute.LEAD_ID).isEmpty());
        assertEquals("lead_created", leadCreated.toString());
    }

    @Test
    void projectStatusIsFreeText() {
        assertEquals(Set.of(), event("project_status_changed").documentedValues(Attribute.STATUS));
    }

    @Test
    void designRequestStatusIsFreeText() {
        assertEquals(Set.of(), event("design_request_completed").documentedValues(Attribute.STATUS));
        assertEquals(Set.of(), event("design_request_rejected").documentedValues(Attribute.STATUS));
    }

    @Test
    void designRequestPlaceholderIsQualifiedButParameterIsNot() {
        EventType completed = event("design_request_completed");
        assertEquals("<DESIGN_REQUEST_ID_IN_AURORA>", completed.placeholder(Attribute.DESIGN_REQUEST_ID));
        assertEquals("design_request_id", Attribute.DESIGN_REQUEST_ID.parameter());
        assertEquals("<DESIGN_REQUEST_ID>", event("design_request_created").placeholder(Attribute.DESIGN_REQUEST_ID));
    }

    @Test
    void firePathwaySourceIsOnlyApi() {
        assertEquals(Set.of("api"), event("fire_pathway_placement_job_completed").documentedValues(Attribute.SOURCE));
    }

    @Test
    void agreementStatusesKeepDocumentedOrderAndHyphen() {
        assertEquals(List.of("sent", "viewed", "signed", "cancel-pending", "canceled", "declined", "error"),
                List.copyOf(event("agreement_status_changed").documentedValues(Attribute.STATUS)));
    }

    @Test
    void assetTypesContainSpaces() {
        Set<String> types = event("asset_created").documentedValues(Attribute.ASSET_TYPE);
        assertEquals(11, types.size());
        assertTrue(types.contains("Design DXF"));
        assertTrue(types.contains("Racking Bill of Materials"));
        assertFalse(types.contains("design_dxf"));
    }

    @Test
    void projectChangedAttributesAreTheElevenWatchedFields() {
        assertEquals(List.of("ahj_id", "customer_address", "customer_email", "customer_first_name",
                        "customer_last_name", "customer_phone", "customer_salutation", "name", "owner_id", "status",
                        "team_id"),
                List.copyOf(event("project_changed").documentedValues(Attribute.ATTRIBUTES)));
    }

    @Test
    void askingForAnAttributeTheEventLacksIsRejected() {
        EventType leadChanged = event("lead_changed");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> leadChanged.placeholder(Attribute.STATUS));
        assertEquals("event lead_changed has no attribute status; its attributes are [lead_id]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> leadChanged.documentedValues(Attribute.SOURCE));
    }

    @Test
    void nullArgumentsAreRejectedByName() {
        assertEquals("name == null", assertThrows(NullPointerException.class, () -> catalog.find(null)).getMessage());
        assertEquals("attribute == null",
                assertThrows(NullPointerException.class, () -> event("lead_changed").has(null)).getMessage());
    }
}
