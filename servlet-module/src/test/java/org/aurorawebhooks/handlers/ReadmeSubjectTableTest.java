package org.aurorawebhooks.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.junit.jupiter.api.Test;

/**
 * The README's "subject per event" table and the catalogue cannot drift apart: the table lists every event
 * of the catalogue, in the catalogue's order, with the attribute {@link AuroraEvent#subject()} takes its
 * value from. On a mismatch the failure message carries the table as it should read, ready to paste.
 */
class ReadmeSubjectTableTest {
    private static final String HEADING = "### Subject per event";

    private static List<String> readmeRows() throws Exception {
        String text = Files.readString(Path.of("..", "README.md"));
        int start = text.indexOf(HEADING);
        assertTrue(start >= 0, "README has a \"" + HEADING + "\" section");
        Matcher next = Pattern.compile("(?m)^#").matcher(text);
        int end = next.find(start + HEADING.length()) ? next.start() : text.length();
        List<String> rows = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z_]+)` \\| ([^|]*) \\|$").matcher(text.substring(start, end));
        while (row.find()) {
            rows.add(row(row.group(1), row.group(2).trim()));
        }
        return rows;
    }

    private static String row(String event, String subject) {
        return "| `" + event + "` | " + subject + " |";
    }

    private static String subjectCell(EventType type) {
        return type.subjectAttribute().map(a -> "`" + a.parameter() + "`").orElse("none (not ordered)");
    }

    @Test
    void readmeListsEveryEventWithTheAttributeItsSubjectComesFrom() throws Exception {
        List<String> expected = EventCatalog.aurora().events().stream().map(t -> row(t.name(), subjectCell(t))).toList();
        assertEquals(26, expected.size(), "Aurora's catalogue has 26 events");
        assertEquals(String.join("\n", expected), String.join("\n", readmeRows()),
                "the README's \"" + HEADING + "\" table (expected on the left)");
    }

    @Test
    void anEventsSubjectIsTheValueOfTheAttributeTheTableNames() {
        for (EventType type : EventCatalog.aurora().events()) {
            AuroraEvent.Builder builder = AuroraEvent.builder(type.name());
            for (Attribute a : type.attributes()) {
                if (a.kind() == Attribute.Kind.ID) {
                    builder.attribute(a.parameter(), a.parameter().replace('_', '-') + "-1");
                }
            }
            AuroraEvent event = builder.build();
            assertEquals(type.subjectAttribute().map(a -> a.parameter().replace('_', '-') + "-1"), event.subject(),
                    type.name());
        }
    }
}
