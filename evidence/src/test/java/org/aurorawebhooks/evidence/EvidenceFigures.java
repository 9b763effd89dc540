package org.aurorawebhooks.evidence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a run's figures where RELIABILITY.md's tables are assembled from: {@code aurora.evidence.dir}/NAME.md,
 * a Markdown table of the header and this run's row (drop the first two lines to append the row to another
 * run's table).
 */
final class EvidenceFigures {
    private EvidenceFigures() {
    }

    /** Writes {@code NAME.md}; returns its path. */
    static Path write(String name, List<String> header, List<String> row) throws IOException {
        if (header.size() != row.size()) {
            throw new IllegalArgumentException(header.size() + " headings for " + row.size() + " cells");
        }
        Path dir = Path.of(System.getProperty("aurora.evidence.dir", "target/evidence"));
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".md");
        String text = line(header) + line(header.stream().map(h -> "---").toList()) + line(row);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static String line(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }
}
