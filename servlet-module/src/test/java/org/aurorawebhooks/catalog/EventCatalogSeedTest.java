package org.aurorawebhooks.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The built-in catalogue says exactly what Aurora's published event catalogue says. The page is
 * parsed here from a verbatim copy ({@code src/test/resources/seed/}); the JSON resource is only
 * reached through the public API, so a wrong entry in it cannot also be wrong here.
 */
final class EventCatalogSeedTest {
    private static final String ANY_STRING = "any string value";

    private static Map<String, SeedCatalogue.Event> seed;
    private static final EventCatalog catalog = EventCatalog.aurora();

    @BeforeAll
    static void readSeed() throws IOException {
        seed = SeedCatalogue.load();
    }

    @Test
    void catalogueHasExactlyTheSeedsEvents() {
        assertEquals(26, seed.size(), "events found in the seed: " + seed.keySet());
        assertEquals(new TreeSet<>(seed.keySet()), new TreeSet<>(catalog.names()));
        assertEquals(catalog.names(), catalog.events().stream().map(EventType::name).toList());
    }

    @TestFactory
    Stream<DynamicNode> everyEventMatchesTheSeed() {
        return seed.values().stream().map(s -> dynamicContainer(s.name(), Stream.of(
                dynamicTest("description", () -> assertEquals(s.description(), event(s).description(),
                        s.name() + " description")),
                dynamicTest("suggested template", () -> assertEquals(s.template(), event(s).suggestedTemplate(),
                        s.name() + " suggested template")),
                dynamicTest("parameters in template order", () -> assertEquals(s.templateParameters(),
                        event(s).attributes().stream().map(Attribute::parameter).toList(),
                        s.name() + " parameters")),
                dynamicTest("placeholders", () -> assertEquals(s.templatePlaceholders(),
                        event(s).attributes().stream().map(event(s)::placeholder).toList(),
                        s.name() + " placeholders")),
                dynamicTest("documented values", () -> assertEquals(documentedValues(s), catalogValues(event(s)),
                        s.name() + " documented values per parameter " + s.templateParameters())),
                dynamicTest("lead event iff it carries lead_id", () -> assertEquals(
                        s.templateParameters().contains("lead_id"), event(s).isLeadEvent(),
                        s.name() + " isLeadEvent")))));
    }

    /**
     * Guards the parser's reading of the page: the bullet list and the template name the same
     * attributes in the same order, and where a "One of" list and a filter table both give values,
     * they agree. If Aurora's page ever breaks this, which source wins must be decided again.
     */
    @TestFactory
    Stream<DynamicNode> seedIsSelfConsistent() {
        return seed.values().stream().map(s -> dynamicTest(s.name(), () -> {
            assertEquals(s.templatePlaceholders(), s.bulletPlaceholders(),
                    s.name() + ": URL Attributes vs Suggested Template");
            s.bulletValues().forEach((word, values) -> {
                List<String> table = s.tableValues().get(word);
                if (table != null) {
                    assertEquals(table, values, s.name() + " " + word + ": One of list vs Filters Available");
                }
            });
        }));
    }

    private static EventType event(SeedCatalogue.Event s) {
        return catalog.find(s.name()).orElseThrow(() -> new AssertionError("catalogue lacks " + s.name()));
    }

    /** Per template parameter, what the seed documents: the filter table, else the One of list. */
    private static List<List<String>> documentedValues(SeedCatalogue.Event s) {
        List<List<String>> result = new ArrayList<>();
        for (int i = 0; i < s.templatePlaceholders().size(); i++) {
            String word = SeedCatalogue.Event.bare(s.templatePlaceholders().get(i));
            List<String> table = s.tableValues().get(word);
            List<String> values;
            if (table != null) {
                values = table.equals(List.of(ANY_STRING)) ? List.of() : table;
            } else if (s.bulletValues().containsKey(word)) {
                values = s.bulletValues().get(word);
            } else if (s.templateParameters().get(i).equals("attributes")) {
                // project_changed lists the attribute names that may appear in <ATTRIBUTES>.
                values = s.firesOnAttributes();
            } else {
                values = List.of();
            }
            result.add(values);
        }
        return result;
    }

    private static List<List<String>> catalogValues(EventType event) {
        return event.attributes().stream().map(a -> List.copyOf(event.documentedValues(a))).toList();
    }
}
