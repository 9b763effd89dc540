package org.aurorawebhooks.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table and the keys the library reads cannot drift apart. The table is
 * the one of the "Configuration" section up to its first subsection: the sample's own keys are
 * documented in a subsection of their own (and checked by the sample's tests).
 */
class ReadmeConfigurationTableTest {

    private static Map<String, String> readmeTable() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        int start = text.indexOf("## Configuration");
        assertTrue(start >= 0, "README has a Configuration section");
        Matcher next = Pattern.compile("(?m)^##").matcher(text);
        int end = next.find(start + 2) ? next.start() : text.length();
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `(aurora\\.[a-z.-]+)` \\|([^|]*)\\|").matcher(text.substring(start, end));
        while (m.find()) {
            String value = m.group(2).trim();
            rows.put(m.group(1), value.startsWith("`") && value.endsWith("`") ? value.substring(1, value.length() - 1) : value);
        }
        return rows;
    }

    @Test
    void everyKeyTheCodeReadsHasAReadmeRowWithItsDefault() throws Exception {
        Map<String, String> rows = readmeTable();
        for (Key key : Key.values()) {
            assertTrue(rows.containsKey(key.key()), "README configuration table lacks " + key.key());
            if (key.defaultValue().isPresent()) {
                assertEquals(key.defaultValue().get(), rows.get(key.key()), "README default of " + key.key());
            }
        }
    }

    @Test
    void everyReadmeRowIsAKeyTheCodeReads() throws Exception {
        for (String documented : readmeTable().keySet()) {
            assertTrue(Key.byName(documented).isPresent(), "README documents " + documented + ", which the code does not read");
        }
    }
}
