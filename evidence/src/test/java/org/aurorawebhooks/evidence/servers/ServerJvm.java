package org.aurorawebhooks.evidence.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a running server JVM holds, asked from outside with the JDK's {@code jcmd} and {@code /proc}: the
 * names of its Java threads, the live instances per class after a full collection, the files it has open.
 */
final class ServerJvm {
    private static final Pattern THREAD = Pattern.compile("^\"(.*)\" #\\d+ .*");
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+(\\S+).*");

    private ServerJvm() {
    }

    /** The names of the JVM's Java threads, sorted. */
    static List<String> threadNames(long pid) throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (String line : jcmd(pid, "Thread.print")) {
            Matcher m = THREAD.matcher(line);
            if (m.matches()) {
                names.add(m.group(1));
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * Live instances per class name, after the full collection {@code GC.class_histogram} runs first: a class
     * whose loader was collected is not listed at all.
     */
    static Map<String, Long> liveInstances(long pid) throws IOException, InterruptedException {
        Map<String, Long> instances = new LinkedHashMap<>();
        for (String line : jcmd(pid, "GC.class_histogram")) {
            Matcher m = HISTOGRAM_ROW.matcher(line);
            if (m.matches()) {
                instances.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
            }
        }
        if (instances.isEmpty()) {
            throw new IllegalStateException("jcmd " + pid + " GC.class_histogram listed no class");
        }
        return instances;
    }

    /** The files under {@code dir} the process has open (its {@code /proc/PID/fd} links). */
    static List<String> openFilesUnder(long pid, Path dir) throws IOException {
        List<String> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(dir)) {
                        open.add(target.toString());
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed between the listing and the read: not open
                }
            }
        }
        return open;
    }

    /** Writes the live objects of the JVM's heap to {@code file} (HPROF). */
    static void heapDump(long pid, Path file) throws IOException, InterruptedException {
        jcmd(pid, "GC.heap_dump " + file.toAbsolutePath());
    }

    private static List<String> jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> line = new ArrayList<>(List.of(jcmd.toString(), String.valueOf(pid)));
        line.addAll(List.of(command.split(" ")));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out.lines().toList();
    }
}
