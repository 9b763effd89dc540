package org.aurorawebhooks.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.aurorawebhooks.internal.Sha256;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.Dialect;
import org.jdbi.v3.core.Handle;

/**
 * Reads and writes {@code aurora_leads}: one row per lead, every field of the Retrieve Lead response
 * as a column (customer fields flattened), the raw JSON, and a content hash that tells a changed lead
 * from an unchanged one. Thread-safe.
 */
public final class LeadStore {
    /** How an upsert changed the table. */
    public enum Outcome { CREATED, CHANGED, UNCHANGED }

    /** What the store knows of a lead, for the reconciler's comparisons. */
    public record Known(Instant updatedAt, String contentHash, boolean gone) {
    }

    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final String[] TEXT_FIELDS = {"project_id", "address"};
    private static final String[] CUSTOMER_FIELDS = {"customer_address", "customer_email", "customer_first_name",
        "customer_last_name", "customer_phone"};
    private static final String[] NUMBER_FIELDS = {"latitude", "longitude", "monthly_average_bill", "system_size_stc",
        "annual_production", "module_count", "sunlight_hours", "pct_utility_bill_offset"};

    private final Database database;

    public LeadStore(Database database) {
        this.database = database;
    }

    /**
     * Inserts or updates the lead from a Retrieve Lead response.
     *
     * @throws IllegalArgumentException when the JSON has no string {@code id}
     */
    Outcome upsert(ObjectNode lead, Instant fetchedAt) {
        return upsertAll(List.of(lead), fetchedAt).get(0);
    }

    /**
     * Upserts several leads in one transaction: one commit (one disk flush) for the lot, which is what
     * lets a reconcile pass keep up with its rate budget.
     *
     * @return the outcome of each lead, in order
     */
    public List<Outcome> upsertAll(List<ObjectNode> batch, Instant fetchedAt) {
        return database.jdbi().inTransaction(h -> {
            List<Outcome> outcomes = new java.util.ArrayList<>(batch.size());
            for (ObjectNode lead : batch) {
                String id = leadId(lead);
                String hash = contentHash(lead);
                Map<String, Object> previous = h.createQuery("SELECT content_hash, gone_at FROM aurora_leads WHERE lead_id = :id")
                        .bind("id", id).mapToMap().findOne().orElse(null);
                if (previous == null) {
                    insert(h, id, lead, hash, fetchedAt);
                    outcomes.add(Outcome.CREATED);
                } else {
                    // A lead marked gone that Aurora shows again has changed, whatever its content.
                    boolean changed = !hash.equals(previous.get("content_hash")) || previous.get("gone_at") != null;
                    update(h, id, lead, hash, fetchedAt, changed);
                    outcomes.add(changed ? Outcome.CHANGED : Outcome.UNCHANGED);
                }
            }
            return outcomes;
        });
    }

    /** Marks a lead Aurora answered 404 for; true when the store had it and it was not already gone. */
    public boolean markGone(String leadId, Instant at) {
        Dialect d = database.dialect();
        return database.jdbi().withHandle(h -> h.createUpdate(
                "UPDATE aurora_leads SET gone_at = :at, last_fetched_at = :at WHERE lead_id = :id AND gone_at IS NULL")
                .bind("id", leadId).bind("at", d.timestamp(at)).execute()) > 0;
    }

    /** What the store knows of each of {@code ids} it has. */
    public Map<String, Known> known(Collection<String> ids) {
        Map<String, Known> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        Dialect d = database.dialect();
        database.jdbi().useHandle(h -> h.createQuery(
                "SELECT lead_id, updated_at, content_hash, gone_at FROM aurora_leads WHERE lead_id IN (<ids>)")
                .bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> {
                    out.put(rs.getString("lead_id"), new Known(d.readTimestamp(rs, "updated_at"),
                            rs.getString("content_hash"), rs.getObject("gone_at") != null));
                    return null;
                }).list());
        return out;
    }

    /** How many leads the store has, gone ones included. */
    public long count() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_leads").mapTo(Long.class).one());
    }

    /** The live (not gone) leads fetched at or after {@code from}. */
    public List<String> liveFetchedSince(Instant from) {
        Dialect d = database.dialect();
        return database.jdbi().withHandle(h -> h.createQuery(
                        "SELECT lead_id FROM aurora_leads WHERE last_fetched_at >= :from AND gone_at IS NULL")
                .bind("from", d.timestamp(from)).mapTo(String.class).list());
    }

    /** Hands every live (not gone) lead id to {@code action}, streamed: the table may be large. */
    public void forEachLive(Consumer<String> action) {
        database.jdbi().useHandle(h -> h.createQuery("SELECT lead_id FROM aurora_leads WHERE gone_at IS NULL")
                .mapTo(String.class).useStream(s -> s.forEach(action)));
    }

    /** A stored lead as a page lists it: who, where, and when it was last fetched or found gone. */
    public record Summary(String leadId, String firstName, String lastName, String email, String address,
                          Instant updatedAt, Instant lastFetchedAt, Instant goneAt) {
    }

    /** The {@code limit} most recently fetched leads, most recent first. */
    public List<Summary> recent(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit + " is not positive");
        }
        Dialect d = database.dialect();
        return database.jdbi().withHandle(h -> h.createQuery("SELECT lead_id, customer_first_name, customer_last_name, "
                        + "customer_email, address, updated_at, last_fetched_at, gone_at FROM aurora_leads "
                        + "ORDER BY last_fetched_at DESC, lead_id LIMIT :n")
                .bind("n", limit)
                .map((rs, ctx) -> new Summary(rs.getString("lead_id"), rs.getString("customer_first_name"),
                        rs.getString("customer_last_name"), rs.getString("customer_email"), rs.getString("address"),
                        d.readTimestamp(rs, "updated_at"), d.readTimestamp(rs, "last_fetched_at"),
                        d.readTimestamp(rs, "gone_at")))
                .list());
    }

    private void insert(Handle h, String id, ObjectNode lead, String hash, Instant at) {
        Dialect d = database.dialect();
        StringBuilder cols = new StringBuilder("lead_id, created_at, updated_at, raw_json, content_hash, first_seen_at, last_fetched_at, last_changed_at, gone_at");
        StringBuilder vals = new StringBuilder(":lead_id, :created_at, :updated_at, :raw_json, :content_hash, :at, :at, :at, NULL");
        for (String f : allFields()) {
            cols.append(", ").append(f);
            vals.append(", :").append(f);
        }
        var update = h.createUpdate("INSERT INTO aurora_leads (" + cols + ") VALUES (" + vals + ")");
        bindFields(update, id, lead, hash, d).bind("at", d.timestamp(at)).execute();
    }

    private void update(Handle h, String id, ObjectNode lead, String hash, Instant at, boolean changed) {
        Dialect d = database.dialect();
        StringBuilder set = new StringBuilder("created_at = :created_at, updated_at = :updated_at, raw_json = :raw_json, "
                + "content_hash = :content_hash, last_fetched_at = :at, gone_at = NULL");
        if (changed) {
            set.append(", last_changed_at = :at");
        }
        for (String f : allFields()) {
            set.append(", ").append(f).append(" = :").append(f);
        }
        var update = h.createUpdate("UPDATE aurora_leads SET " + set + " WHERE lead_id = :lead_id");
        bindFields(update, id, lead, hash, d).bind("at", d.timestamp(at)).execute();
    }

    private static List<String> allFields() {
        List<String> all = new java.util.ArrayList<>();
        all.addAll(List.of(TEXT_FIELDS));
        all.addAll(List.of(CUSTOMER_FIELDS));
        all.addAll(List.of(NUMBER_FIELDS));
        return all;
    }

    private static org.jdbi.v3.core.statement.Update bindFields(org.jdbi.v3.core.statement.Update update, String id,
                                                                 ObjectNode lead, String hash, Dialect d) {
        update.bind("lead_id", id).bind("raw_json", lead.toString()).bind("content_hash", hash)
                .bind("created_at", d.timestamp(instant(lead.get("created_at"))))
                .bind("updated_at", d.timestamp(instant(lead.get("updated_at"))));
        for (String f : TEXT_FIELDS) {
            update.bind(f, text(lead.get(f)));
        }
        JsonNode customer = lead.path("customer");
        for (String f : CUSTOMER_FIELDS) {
            update.bind(f, text(customer.get(f)));
        }
        for (String f : NUMBER_FIELDS) {
            JsonNode n = lead.get(f);
            update.bind(f, n != null && n.isNumber() ? Double.valueOf(n.doubleValue()) : null);
        }
        return update;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.isValueNode() ? n.asText() : n.toString();
    }

    static Instant instant(JsonNode n) {
        if (n == null || !n.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(n.asText());
        } catch (DateTimeParseException e) {
            return null; // the raw JSON keeps what Aurora sent
        }
    }

    static String leadId(ObjectNode lead) {
        JsonNode id = lead.get("id");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            throw new IllegalArgumentException("the lead JSON has no string \"id\"");
        }
        return id.asText();
    }

    /** SHA-256 of the JSON with keys sorted, so field order never looks like a change. */
    public static String contentHash(JsonNode lead) {
        try {
            Object tree = CANONICAL.treeToValue(lead, Object.class);
            return Sha256.shortHex(Sha256.digest(CANONICAL.writeValueAsString(tree)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot hash a lead", e);
        }
    }
}
