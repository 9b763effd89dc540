package org.aurorawebhooks.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.config.ConfigSource;
import org.aurorawebhooks.config.Settings;
import org.junit.jupiter.api.Test;

/** The sample's own keys are declared to the library, checked at load and documented. */
class SampleKeysTest {

    @Test
    void sampleKeysAreResolvedAndNotReportedAsUnknown() {
        Settings settings = Settings.load(List.of(ConfigSource.of("filter init-param", Map.of("aurora.sample.port", "9191"))),
                Map.of("AURORA_SAMPLE_DEMO", "false"));
        assertEquals(List.of(), settings.unknownKeys());
        assertEquals(9191, SampleKeys.port(settings));
        assertEquals(false, SampleKeys.demo(settings));
    }

    @Test
    void badSamplePortStopsTheLoadNamingKeyAndSource() {
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.load(List.of(),
                Map.of("AURORA_SAMPLE_PORT", "99999")));
        assertEquals("aurora.sample.port from environment variable AURORA_SAMPLE_PORT: \"99999\" is not a port number "
                + "between 0 and 65535", e.getMessage());
    }

    @Test
    void readmeDocumentsExactlyTheSampleKeys() throws Exception {
        String text = Files.readString(Path.of("..", "README.md"));
        int start = text.indexOf("### Keys of the sample app");
        int end = text.indexOf("\n## ", start);
        Set<String> rows = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `(aurora\\.[a-z.-]+)` \\|").matcher(text.substring(start, end));
        while (m.find()) {
            rows.add(m.group(1));
        }
        assertEquals(new TreeSet<>(new SampleKeys().keys()), rows);
    }
}
