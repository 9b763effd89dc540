package org.aurorawebhooks.evidence;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.simulator.EventValues;

/**
 * One webhook delivery as Aurora would send it: an event of the catalogue with a value for each attribute of
 * its suggested template (ids, documented values; now and then a status Aurora does not document), plus a
 * parameter {@value #NONCE} that makes it unique within a run, so that a stored row can only be this
 * delivery or a retry of it. What {@code aurora_webhook_events} must hold for it follows from what was sent:
 * the event, each attribute's decoded value in its column, the query string as sent, and the names of the
 * undocumented values.
 *
 * @param seq the delivery's number in its run, from 0
 * @param event the event name (the path segment)
 * @param values the attributes sent, by parameter (= column) name, decoded
 * @param query the raw query string sent
 * @param undocumented what {@code undocumented_values} must hold: the flagged attribute's name, or null
 */
record Delivery(int seq, String event, Map<String, String> values, String query, String undocumented) {
    /** The parameter that makes a delivery unique: no Aurora attribute, so stored only in {@code query_string}. */
    static final String NONCE = "evidence_delivery";
    /** A status no event documents: recorded and flagged in {@code undocumented_values}. */
    static final String UNDOCUMENTED_STATUS = "evidence unlisted status";

    Delivery {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The path after the webapp's root, e.g. {@code /aurora/webhooks/lead_created?lead_id=…}. */
    String pathAndQuery() {
        return "/aurora/webhooks/" + event + "?" + query;
    }

    /** The subject's value (the attribute a handler's order is kept by), or null. */
    String subject() {
        return EventCatalog.aurora().find(event).flatMap(EventType::subjectAttribute)
                .map(a -> values.get(a.parameter())).orElse(null);
    }

    /**
     * {@code count} unique deliveries from a seeded random: events drawn from {@code events} (each as often as
     * it is listed), attribute values from {@link EventValues} (what the simulated Aurora sends), the subject
     * attribute (lead, project, design …) drawn from a small pool per attribute so that a handler sees runs of
     * one subject's events, and one delivery in 25 that has a documented status carrying an undocumented one.
     *
     * @param run a tag unique to the run, part of every nonce
     * @param subjectPool the pool of a subject attribute (e.g. the simulated Aurora's lead ids for {@code lead_id})
     */
    static List<Delivery> generate(String run, int count, List<String> events, long seed,
                                   Function<Attribute, List<String>> subjectPool) {
        Random random = new Random(seed);
        List<Delivery> out = new ArrayList<>(count);
        for (int seq = 0; seq < count; seq++) {
            String name = events.get(random.nextInt(events.size()));
            EventType event = EventCatalog.aurora().find(name)
                    .orElseThrow(() -> new IllegalArgumentException(name + " is not in the catalogue"));
            Map<String, String> overrides = new LinkedHashMap<>();
            event.subjectAttribute().ifPresent(a -> {
                List<String> pool = subjectPool.apply(a);
                overrides.put(a.parameter(), pool.get(random.nextInt(pool.size())));
            });
            String undocumented = null;
            if (event.has(Attribute.STATUS) && !event.documentedValues(Attribute.STATUS).isEmpty() && random.nextInt(25) == 0) {
                overrides.put(Attribute.STATUS.parameter(), UNDOCUMENTED_STATUS);
                undocumented = Attribute.STATUS.parameter();
            }
            Map<String, String> values = EventValues.generate(name, overrides, random);
            StringBuilder query = new StringBuilder();
            values.forEach((k, v) -> query.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
            query.append(NONCE).append('=').append(run).append('-').append(seq);
            out.add(new Delivery(seq, name, values, query.toString(), undocumented));
        }
        return out;
    }

    /**
     * Every event of the catalogue, with the ones the sample's handler takes (lead events, agreement status
     * changes) listed several times more: about 60 % of the deliveries, so that handlers have work.
     */
    static List<String> weightedEvents() {
        List<String> events = new ArrayList<>();
        for (EventType event : EventCatalog.aurora().events()) {
            int weight = event.name().startsWith("lead_") ? 7 : event.name().equals("agreement_status_changed") ? 5 : 1;
            for (int i = 0; i < weight; i++) {
                events.add(event.name());
            }
        }
        return events;
    }

    /** A pool of {@code n} ids for a subject attribute, from a seeded random (UUIDs, as Aurora's ids are). */
    static List<String> idPool(Attribute attribute, int n, long seed) {
        Random random = new Random(seed ^ attribute.ordinal());
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(new java.util.UUID(random.nextLong(), random.nextLong()).toString());
        }
        return ids;
    }
}
