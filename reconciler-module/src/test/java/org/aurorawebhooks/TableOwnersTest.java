package org.aurorawebhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each table's SQL lives in one class (README, "Tables"; issue 6, "one owner per table"). Reads the
 * main sources of all three modules: a string literal that names a table in SQL anywhere but in the
 * table's owner fails, and so does a JDBI or JDBC statement made outside the owners.
 */
class TableOwnersTest {
    private static final Map<String, String> OWNERS = Map.of(
            "aurora_webhook_events", "servlet-module/src/main/java/org/aurorawebhooks/store/EventLog.java",
            "aurora_handler_deliveries", "servlet-module/src/main/java/org/aurorawebhooks/store/HandlerDeliveries.java",
            "aurora_lead_sync", "servlet-module/src/main/java/org/aurorawebhooks/store/LeadSyncTable.java",
            "aurora_handler_deliveries", "servlet-module/src/main/java/org/aurorawebhooks/store/HandlerDeliveries.java",
            "aurora_leads", "reconciler-module/src/main/java/org/aurorawebhooks/sync/LeadStore.java",
            "aurora_reconcile_runs", "reconciler-module/src/main/java/org/aurorawebhooks/reconcile/ReconcileRuns.java",
            "aurora_locks", "reconciler-module/src/main/java/org/aurorawebhooks/reconcile/LeaseLock.java");
    /** Runs the statements EventLog builds on the writer's own connections; it has no SQL text of its own. */
    private static final String EVENT_WRITER = "servlet-module/src/main/java/org/aurorawebhooks/store/EventWriter.java";
    private static final Pattern SQL_WORD = Pattern.compile("\\b(SELECT|INSERT|UPDATE|DELETE|FROM|INTO|JOIN|WHERE|SET)\\b");
    private static final Pattern STATEMENT = Pattern.compile("\\b(createQuery|createUpdate|createBatch|createScript|prepareStatement|prepareCall)\\s*\\(");

    private static final Path ROOT = root();

    private static Path root() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        return Files.isDirectory(dir.resolve("servlet-module")) ? dir : dir.getParent();
    }

    @Test
    void sqlNamingATableAppearsOnlyInItsOwner() {
        List<String> strays = new ArrayList<>();
        for (Path file : mainSources()) {
            String relative = ROOT.relativize(file).toString().replace('\\', '/');
            for (String literal : literals(read(file))) {
                if (!SQL_WORD.matcher(literal).find()) {
                    continue;
                }
                for (Map.Entry<String, String> owner : OWNERS.entrySet()) {
                    if (Pattern.compile("\\b" + owner.getKey() + "\\b").matcher(literal).find()
                            && !relative.equals(owner.getValue())) {
                        strays.add(relative + ": \"" + literal + "\" (owner of " + owner.getKey() + ": " + owner.getValue() + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), strays);
    }

    @Test
    void onlyTheOwnersMakeStatements() {
        Set<String> allowed = new TreeSet<>(OWNERS.values());
        allowed.add(EVENT_WRITER);
        Set<String> making = new TreeSet<>();
        for (Path file : mainSources()) {
            if (STATEMENT.matcher(withoutComments(read(file))).find()) {
                making.add(ROOT.relativize(file).toString().replace('\\', '/'));
            }
        }
        assertTrue(allowed.containsAll(making), "statements made outside the table owners: " + difference(making, allowed));
        assertTrue(making.containsAll(OWNERS.values()), "an owner moved; update OWNERS: " + difference(Set.copyOf(OWNERS.values()), making));
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static List<Path> mainSources() {
        List<Path> out = new ArrayList<>();
        for (String module : List.of("servlet-module", "reconciler-module", "sample-webapp")) {
            Path dir = ROOT.resolve(module).resolve("src/main/java");
            assertTrue(Files.isDirectory(dir), dir + " is not there: the test must run from the project");
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The source with comments blanked out and string and char literals kept. */
    private static String withoutComments(String source) {
        StringBuilder out = new StringBuilder();
        scan(source, out, null);
        return out.toString();
    }

    /** The contents of every string literal and text block, escapes left as written. */
    private static List<String> literals(String source) {
        List<String> out = new ArrayList<>();
        scan(source, new StringBuilder(), out);
        return out;
    }

    private static void scan(String s, StringBuilder code, List<String> literals) {
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
                code.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                end = end < 0 ? s.length() : end;
                add(literals, s.substring(i + 3, end));
                code.append(s, i, Math.min(s.length(), end + 3));
                i = end + 3;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c) {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                if (c == '"') {
                    add(literals, s.substring(i + 1, Math.min(j, s.length())));
                }
                code.append(s, i, Math.min(s.length(), j + 1));
                i = j + 1;
            } else {
                code.append(c);
                i++;
            }
        }
    }

    private static void add(List<String> literals, String literal) {
        if (literals != null) {
            literals.add(literal);
        }
    }
}
