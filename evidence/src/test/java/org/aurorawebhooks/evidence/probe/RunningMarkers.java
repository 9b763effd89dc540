package org.aurorawebhooks.evidence.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sees two calls of one handler for one subject (or one delivery) running at the same time, across processes,
 * without trusting any clock: a call creates a marker file named after its handler and key, which fails if the
 * file exists (another call is running, on this node or another), and deletes it when it ends. Every such
 * collision is appended to {@code overlaps-NODE.txt}. Also keeps this node's journal files. Configured by the
 * system properties {@code evidence.probe.dir} (shared by the nodes) and {@code evidence.node}. Thread-safe.
 */
final class RunningMarkers {
    /** The folder shared by every node. */
    static final String DIR_PROPERTY = "evidence.probe.dir";
    /** This node's name. */
    static final String NODE_PROPERTY = "evidence.node";

    private final Path dir;
    private final String node;

    RunningMarkers() {
        this.dir = Path.of(require(DIR_PROPERTY));
        this.node = require(NODE_PROPERTY);
        try {
            Files.createDirectories(dir.resolve("running"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String require(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set");
        }
        return value;
    }

    String node() {
        return node;
    }

    /**
     * Marks a call of {@code handler} for {@code key} running; returns false (and records the overlap) when
     * another call of that handler for that key is running now.
     */
    boolean enter(String handler, String key, long eventId) throws IOException {
        try {
            Files.createFile(marker(handler, key));
            return true;
        } catch (FileAlreadyExistsException e) {
            append("overlaps-" + node + ".txt", handler + " " + key + " event " + eventId + " on node " + node
                    + " while another call ran");
            return false;
        }
    }

    /** Ends a call that {@link #enter} admitted. */
    void exit(String handler, String key) throws IOException {
        Files.delete(marker(handler, key));
    }

    private Path marker(String handler, String key) {
        return dir.resolve("running").resolve(handler + "--" + key);
    }

    /** Appends a line to a file of this node (one writer per file: no interleaving across processes). */
    synchronized void append(String file, String line) throws IOException {
        Files.writeString(dir.resolve(file), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
