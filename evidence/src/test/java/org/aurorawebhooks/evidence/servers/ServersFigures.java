package org.aurorawebhooks.evidence.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** The real-server runs' figures, as Markdown table rows in {@code ${aurora.evidence.dir}/servers.md}. */
final class ServersFigures {
    private static final List<String> COLUMNS = List.of("server", "version", "deployed", "database",
            "deliveries recorded / handled", "after redeploy: recorded / handled", "threads of ours: deployed → after undeploy",
            "JDBC drivers registered: deployed → after undeploy", "open DB connections or files: deployed → after undeploy",
            "webapp class loaders left after undeploy", "container leak warnings");

    private ServersFigures() {
    }

    /** Appends one row (a cell per column), writing the table's header first into a new file. */
    static synchronized void append(List<String> cells) throws IOException {
        if (cells.size() != COLUMNS.size()) {
            throw new IllegalArgumentException(cells.size() + " cells for " + COLUMNS.size() + " columns");
        }
        Path dir = Path.of(System.getProperty("aurora.evidence.dir", "target/evidence"));
        Files.createDirectories(dir);
        Path file = dir.resolve("servers.md");
        StringBuilder text = new StringBuilder();
        if (!Files.exists(file)) {
            text.append("| ").append(String.join(" | ", COLUMNS)).append(" |\n|");
            COLUMNS.forEach(c -> text.append(" --- |"));
            text.append('\n');
        }
        text.append("| ").append(String.join(" | ", cells.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n");
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
