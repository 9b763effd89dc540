package org.aurorawebhooks.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Aurora's event catalogue page (as text, the way it was received) straight from the test
 * fixture, without any knowledge of the JSON resource, so the two can be compared. It fails on
 * any line it does not understand: a parser that silently skips would let drift through.
 */
final class SeedCatalogue {
    static final String FIXTURE = "/seed/aurora-event-catalogue.txt";
    static final String HOST = "https://www.yourapp.com/";

    private static final Pattern HEADING = Pattern.compile("[a-z][a-z_]*");
    private static final Pattern ATTRIBUTE_BULLET = Pattern.compile(" {2}\u2022 <([A-Z_]+)>");
    private static final Pattern SUB_BULLET = Pattern.compile(" {4}\u2022 (.+)");
    private static final Pattern PLAIN_BULLET = Pattern.compile(" {2}\u2022 ([a-z_]+)");
    private static final Pattern PAIR = Pattern.compile("([a-z_]+)=(<[A-Z_]+>)");
    private static final String TABLE_HEADER = "URL ParameterFilter values";

    /** One event section of the page. Placeholders keep their angle brackets. */
    record Event(
            String name,
            String description,
            List<String> bulletPlaceholders,
            String template,
            List<String> templateParameters,
            List<String> templatePlaceholders,
            Map<String, List<String>> tableValues,
            Map<String, List<String>> bulletValues,
            List<String> firesOnAttributes) {

        /** The bare attribute word of a placeholder: {@code <DESIGN_REQUEST_ID_IN_AURORA>} → as is, minus brackets. */
        static String bare(String placeholder) {
            return placeholder.substring(1, placeholder.length() - 1);
        }
    }

    private SeedCatalogue() {
    }

    static Map<String, Event> load() throws IOException {
        try (InputStream in = SeedCatalogue.class.getResourceAsStream(FIXTURE)) {
            if (in == null) {
                throw new IllegalStateException(FIXTURE + " missing from the test class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static Map<String, Event> parse(String text) {
        List<String> lines = List.of(text.split("\n", -1));
        // An event heading is a bare lower_snake_case word standing alone between blank lines;
        // table continuation values ("api", "failed") are never preceded by a blank line.
        List<Integer> headings = new ArrayList<>();
        for (int i = 1; i + 1 < lines.size(); i++) {
            if (HEADING.matcher(lines.get(i)).matches() && lines.get(i - 1).isEmpty() && lines.get(i + 1).isEmpty()) {
                headings.add(i);
            }
        }
        Map<String, Event> events = new LinkedHashMap<>();
        for (int k = 0; k < headings.size(); k++) {
            int end = k + 1 < headings.size() ? headings.get(k + 1) : lines.size();
            Event event = section(lines.subList(headings.get(k), end));
            if (events.put(event.name(), event) != null) {
                throw new IllegalStateException("seed lists " + event.name() + " twice");
            }
        }
        return events;
    }

    private static Event section(List<String> lines) {
        String name = lines.get(0);
        String description = lines.get(2);
        if (description.isBlank()) {
            throw new IllegalStateException(name + ": no description line");
        }
        List<String> bulletPlaceholders = new ArrayList<>();
        Map<String, List<String>> bulletValues = new LinkedHashMap<>();
        List<String> firesOn = new ArrayList<>();
        Map<String, List<String>> tableValues = new LinkedHashMap<>();
        String template = null;
        String currentBullet = null;

        for (int i = 3; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m;
            if ((m = ATTRIBUTE_BULLET.matcher(line)).matches()) {
                currentBullet = m.group(1);
                bulletPlaceholders.add("<" + currentBullet + ">");
            } else if ((m = SUB_BULLET.matcher(line)).matches()) {
                if (currentBullet == null) {
                    throw new IllegalStateException(name + ": sub-bullet outside an attribute: " + line);
                }
                List<String> values = subBulletValues(m.group(1));
                if (values != null) {
                    bulletValues.put(currentBullet, values);
                }
            } else if ((m = PLAIN_BULLET.matcher(line)).matches()) {
                firesOn.add(m.group(1));
            } else if (line.startsWith(HOST)) {
                template = line.substring(HOST.length());
            } else if (line.equals(TABLE_HEADER)) {
                i = table(name, lines, i + 1, bulletPlaceholders, tableValues) - 1;
            } else if (!line.isEmpty() && !isProse(line)) {
                throw new IllegalStateException(name + ": unexpected line: " + line);
            }
        }
        if (template == null) {
            throw new IllegalStateException(name + ": no suggested template");
        }
        if (!template.startsWith(name + "?")) {
            throw new IllegalStateException(name + ": template is for another event: " + template);
        }
        List<String> parameters = new ArrayList<>();
        List<String> placeholders = new ArrayList<>();
        for (String pair : template.substring(name.length() + 1).split("&")) {
            Matcher m = PAIR.matcher(pair);
            if (!m.matches()) {
                throw new IllegalStateException(name + ": template part not parameter=<PLACEHOLDER>: " + pair);
            }
            parameters.add(m.group(1));
            placeholders.add(m.group(2));
        }
        return new Event(name, description, List.copyOf(bulletPlaceholders), template, List.copyOf(parameters),
                List.copyOf(placeholders), tableValues, bulletValues, List.copyOf(firesOn));
    }

    /** "One of a, b, or c" → [a, b, c]; a lone word → [word]; prose (a description of the value) → null. */
    private static List<String> subBulletValues(String text) {
        if (text.startsWith("One of ")) {
            List<String> values = new ArrayList<>();
            for (String part : text.substring("One of ".length()).split(",")) {
                String value = part.strip();
                values.add(value.startsWith("or ") ? value.substring(3) : value);
            }
            return values;
        }
        if (text.matches("[a-z_]+")) {
            return List.of(text);
        }
        if (text.startsWith("Comma separated list")) {
            return null;
        }
        throw new IllegalStateException("sub-bullet not understood: " + text);
    }

    /**
     * The "Filters Available" table, flattened by the page to text: a row is the attribute word
     * glued to its first value ({@code STATUSsent}), further values follow one per line until a
     * blank line. The row word must be one of the event's attributes; longest first, so that
     * {@code ASSET_TYPEDesign DXF} does not read as {@code ASSET_TYPED}.
     */
    private static int table(String name, List<String> lines, int start, List<String> placeholders,
            Map<String, List<String>> out) {
        List<String> words = placeholders.stream().map(Event::bare)
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        List<String> row = null;
        int i = start;
        for (; i < lines.size() && !lines.get(i).isEmpty(); i++) {
            String line = lines.get(i);
            String word = words.stream().filter(line::startsWith).findFirst().orElse(null);
            if (word != null && line.length() > word.length()) {
                row = new ArrayList<>();
                row.add(line.substring(word.length()));
                if (out.put(word, row) != null) {
                    throw new IllegalStateException(name + ": table repeats " + word);
                }
            } else if (row == null) {
                throw new IllegalStateException(name + ": table row names no attribute of the event: " + line);
            } else {
                row.add(line);
            }
        }
        return i;
    }

    private static boolean isProse(String line) {
        return line.equals("URL Attributes") || line.equals("Suggested Template") || line.equals("Filters Available")
                || line.startsWith("This webhook will fire when");
    }
}
