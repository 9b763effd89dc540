package org.aurorawebhooks.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.internal.NameSuggestions;

/**
 * Realistic attribute values for any event of the catalogue: ids are UUIDs (as Aurora sends), a
 * documented attribute takes one of its documented values, and the few free-text ones take values
 * Aurora is known to send. Used by the simulated Aurora and by {@code aurora-reconciler trigger}.
 * Not thread-safe (the caller owns the {@link Random}).
 *
 * <p>Internal and unsupported, like the rest of the simulator.
 */
public final class EventValues {
    /**
     * Statuses the catalogue leaves undocumented: a design request is completed or rejected, and a
     * project status is a name the tenant chose in Aurora's settings (these are Aurora's defaults).
     */
    private static final Map<String, List<String>> FREE_STATUSES = Map.of(
            "design_request_completed", List.of("completed"),
            "design_request_rejected", List.of("rejected"),
            "project_status_changed", List.of("Remote Assessment Completed", "Proposal", "Sold", "Installed"));
    private static final List<String> ANY_STATUS = List.of("succeeded");

    private EventValues() {
    }

    /**
     * The event's values: one per attribute of its suggested template, then {@code overrides} on top.
     *
     * @throws IllegalArgumentException naming the event or parameter when the event is not in the
     *     catalogue or an override is not one of its attributes (with the closest attribute name, when
     *     one is close)
     */
    public static Map<String, String> generate(String eventName, Map<String, String> overrides, Random random) {
        EventType event = find(eventName);
        for (String name : overrides.keySet()) {
            boolean known = Attribute.byParameter(name).filter(event::has).isPresent();
            if (!known) {
                throw new IllegalArgumentException("event " + event.name() + " has no attribute " + name
                        + NameSuggestions.closest(name, parameters(event)).map(p -> " (did you mean " + p + "?)").orElse("")
                        + "; its attributes are " + parameters(event));
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Attribute attribute : event.attributes()) {
            values.put(attribute.parameter(), value(event, attribute, random));
        }
        values.putAll(overrides);
        return values;
    }

    static EventType find(String eventName) {
        EventCatalog catalog = EventCatalog.aurora();
        return catalog.find(eventName).orElseThrow(() -> new IllegalArgumentException("\"" + eventName
                + "\" is not an Aurora event; expected one of " + catalog.names()));
    }

    /** {@code <DESIGN_REQUEST_ID_IN_AURORA>} -> {@code design_request_id}: how a template names its values. */
    static String parameterOf(String placeholderName) {
        return placeholderName.toLowerCase(Locale.ROOT).replace("_in_aurora", "");
    }

    private static String value(EventType event, Attribute attribute, Random random) {
        Set<String> documented = event.documentedValues(attribute);
        return switch (attribute.kind()) {
            case ID -> uuid(random);
            case TEXT -> documented.isEmpty()
                    ? pick(FREE_STATUSES.getOrDefault(event.name(), ANY_STATUS), random)
                    : pick(List.copyOf(documented), random);
            case ATTRIBUTE_LIST -> someOf(List.copyOf(documented), random);
        };
    }

    /** A version-4 UUID from the seeded random, so a run can be repeated. */
    static String uuid(Random random) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** One to three of the documented names, in catalogue order, comma-separated as Aurora sends them. */
    private static String someOf(List<String> names, Random random) {
        int n = 1 + random.nextInt(Math.min(3, names.size()));
        List<String> chosen = new ArrayList<>(names);
        while (chosen.size() > n) {
            chosen.remove(random.nextInt(chosen.size()));
        }
        return String.join(",", chosen);
    }

    private static String pick(List<String> values, Random random) {
        return values.get(random.nextInt(values.size()));
    }

    private static List<String> parameters(EventType event) {
        List<String> out = new ArrayList<>();
        event.attributes().forEach(a -> out.add(a.parameter()));
        return out;
    }
}
