package org.aurorawebhooks.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A delivery over real HTTP leads to a fetched lead row, on SQLite and PostgreSQL. */
class LeadSyncEndToEndTest {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void deliveredLeadIsFetchedAndEveryFieldStored(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            String id = bed.aurora.createLead();
            Map<String, Object> row = Testbed.await("lead " + id, () -> bed.leadRow(id));
            ObjectNode lead = bed.aurora.lead(id);
            ObjectNode customer = (ObjectNode) lead.get("customer");
            assertEquals(customer.get("customer_first_name").asText(), row.get("customer_first_name"));
            assertEquals(customer.get("customer_last_name").asText(), row.get("customer_last_name"));
            assertEquals(customer.get("customer_email").asText(), row.get("customer_email"));
            assertEquals(customer.get("customer_phone").asText(), row.get("customer_phone"));
            assertEquals(customer.get("customer_address").asText(), row.get("customer_address"));
            assertEquals(lead.get("address").asText(), row.get("address"));
            assertEquals(lead.get("latitude").asDouble(), ((Number) row.get("latitude")).doubleValue(), 1e-9);
            assertEquals(lead.get("monthly_average_bill").asDouble(), ((Number) row.get("monthly_average_bill")).doubleValue(), 1e-9);
            assertEquals(lead.get("module_count").asDouble(), ((Number) row.get("module_count")).doubleValue(), 1e-9);
            assertEquals(new ObjectMapper().readTree(lead.toString()), new ObjectMapper().readTree(row.get("raw_json").toString()));
            assertNotNull(row.get("first_seen_at"));
            assertNotNull(row.get("last_fetched_at"));
            assertNull(row.get("gone_at"));
            Testbed.await("the due mark to clear", () -> bed.jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM aurora_lead_sync").mapTo(Long.class).one()) == 0 ? Optional.of(true) : Optional.empty());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void changedLeadIsFetchedAgain(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            String id = bed.aurora.createLead();
            Testbed.await("lead " + id, () -> bed.leadRow(id));
            bed.aurora.changeLead(id);
            String phone = bed.aurora.lead(id).get("customer").get("customer_phone").asText();
            Testbed.await("the changed phone", () -> bed.leadRow(id)
                    .filter(row -> phone.equals(row.get("customer_phone"))));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void leadAuroraNoLongerHasIsMarkedGone(Kind kind) throws Exception {
        try (Testbed bed = Testbed.start(kind)) {
            String id = bed.aurora.createLead();
            Testbed.await("lead " + id, () -> bed.leadRow(id));
            bed.aurora.deleteLead(id);
            // Aurora sends lead_changed for a lead it then deletes; the fetch answers 404.
            bed.aurora.fire("lead_changed", Map.of("lead_id", id));
            Testbed.await("the gone marker", () -> bed.leadRow(id).filter(row -> row.get("gone_at") != null));
        }
    }
}
