package org.aurorawebhooks.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Aurora's webhook events, read from the data file {@code aurora-events.json} beside this class: a
 * copy of Aurora's published event catalogue, checked against it event by event by a test.
 * Immutable and thread-safe.
 */
public final class EventCatalog {
    private static final String RESOURCE = "aurora-events.json";
    private static final EventCatalog AURORA = load();

    private final Map<String, EventType> byName;
    private final List<EventType> events;
    private final List<String> names;

    private EventCatalog(Map<String, EventType> byName) {
        this.byName = Collections.unmodifiableMap(byName);
        this.events = List.copyOf(byName.values());
        this.names = List.copyOf(byName.keySet());
    }

    /** The 26 events Aurora documents. */
    public static EventCatalog aurora() {
        return AURORA;
    }

    public Optional<EventType> find(String name) {
        java.util.Objects.requireNonNull(name, "name == null");
        return Optional.ofNullable(byName.get(name));
    }

    /** All events, sorted by name. */
    public List<EventType> events() {
        return events;
    }

    /** All event names, sorted. */
    public List<String> names() {
        return names;
    }

    private static EventCatalog load() {
        try (InputStream in = EventCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the event catalogue " + RESOURCE + " is missing from the jar");
            }
            return parse(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the event catalogue " + RESOURCE, e);
        }
    }

    static EventCatalog parse(JsonNode root) {
        Map<String, EventType> byName = new TreeMap<>();
        for (JsonNode e : root.path("events")) {
            String name = e.path("name").asText();
            String template = e.path("template").asText();
            List<Attribute> attributes = new ArrayList<>();
            Map<Attribute, String> placeholders = new EnumMap<>(Attribute.class);
            for (JsonNode a : e.path("attributes")) {
                String parameter = a.path("parameter").asText();
                Attribute attribute = Attribute.byParameter(parameter).orElseThrow(() -> new IllegalStateException(
                        "event catalogue: " + name + " has unknown attribute " + parameter));
                String placeholder = a.path("placeholder").asText();
                if (!template.contains(parameter + "=" + placeholder)) {
                    throw new IllegalStateException("event catalogue: " + name + "'s template lacks " + parameter + "=" + placeholder);
                }
                attributes.add(attribute);
                placeholders.put(attribute, placeholder);
            }
            Map<Attribute, Set<String>> documented = new EnumMap<>(Attribute.class);
            for (Map.Entry<String, JsonNode> f : e.path("documented_values").properties()) {
                Attribute attribute = Attribute.byParameter(f.getKey())
                        .filter(placeholders::containsKey)
                        .orElseThrow(() -> new IllegalStateException(
                                "event catalogue: " + name + " documents values for " + f.getKey() + ", not one of its attributes"));
                Set<String> values = new LinkedHashSet<>();
                f.getValue().forEach(v -> values.add(v.asText()));
                documented.put(attribute, Collections.unmodifiableSet(values));
            }
            EventType type = new EventType(name, e.path("description").asText(), template, attributes, placeholders, documented);
            if (byName.put(name, type) != null) {
                throw new IllegalStateException("event catalogue: " + name + " is listed twice");
            }
        }
        return new EventCatalog(byName);
    }
}
