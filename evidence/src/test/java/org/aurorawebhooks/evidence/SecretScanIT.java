package org.aurorawebhooks.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: "capture every log line of the whole suite and assert that no configured secret, token or password
 * appears in any of them". Runs last in the reactor (the evidence module's own execution, bound to
 * post-integration-test and not skipped by {@code evidence.skip}), after every module's tests: the secrets the
 * tests configured, recorded by {@code TestSecrets} in each module's {@code target/test-secrets}, are looked
 * for in every file of each module's {@code target/surefire-reports} and {@code target/failsafe-reports}
 * (each test JVM's stdout and stderr, where slf4j-simple and java.util.logging write, and the reports) and
 * {@code target/test-logs} (the processes and servers the tests start). Each hit is reported as file:line
 * with the secret masked. It fails as well when nothing was recorded or no log was found, so that it can
 * never pass by having looked at nothing.
 */
class SecretScanIT {
    private static final List<String> LOG_FOLDERS = List.of("surefire-reports", "failsafe-reports", "test-logs");
    /** Hits listed in the failure message; all of them are in the output file. */
    private static final int SHOWN = 50;

    @Test
    void noConfiguredSecretAppearsInAnyLogLineOfTheSuite() throws IOException {
        Path root = Path.of(System.getProperty("aurora.scan.root", "..")).toAbsolutePath().normalize();
        Set<String> secrets = new LinkedHashSet<>();
        List<Path> logs = new ArrayList<>();
        Map<String, int[]> perModule = new TreeMap<>(); // module -> {secrets, files}
        for (Path module : modules(root)) {
            Set<String> recorded = SecretScan.recorded(module.resolve("target/test-secrets"));
            secrets.addAll(recorded);
            List<Path> files = new ArrayList<>();
            for (String folder : LOG_FOLDERS) {
                files.addAll(filesUnder(module.resolve("target").resolve(folder)));
            }
            logs.addAll(files);
            perModule.put(root.relativize(module).toString(), new int[] {recorded.size(), files.size()});
        }
        assertTrue(!secrets.isEmpty(), "no secret recorded under " + root + "/*/target/test-secrets: the tests configured "
                + "none through TestSecrets, so this scan would pass having looked for nothing. Run the tests first (mvn verify)");
        assertTrue(!logs.isEmpty(), "no log file under " + root + "/*/target/{" + String.join(",", LOG_FOLDERS)
                + "}: nothing to scan. Run the tests first (mvn verify)");

        SecretScan scan = new SecretScan(secrets);
        List<SecretScan.Hit> hits = new ArrayList<>();
        long lines = 0;
        long bytes = 0;
        int[] fileLines = new int[1];
        for (Path log : logs) {
            hits.addAll(scan.scan(log, fileLines));
            lines += fileLines[0];
            bytes += Files.size(log);
        }
        assertTrue(lines > 0, "the " + logs.size() + " log files hold no line");

        StringBuilder report = new StringBuilder("secret scan: " + lines + " lines (" + bytes / 1024 + " KiB) in "
                + logs.size() + " files checked for " + secrets.size() + " configured secrets (" + scan.formCount()
                + " forms: as is, percent-encoded, inside base64): " + hits.size() + " hit(s)\n");
        perModule.forEach((module, counts) -> report.append("  ").append(module).append(": ").append(counts[0])
                .append(" secrets recorded, ").append(counts[1]).append(" log files\n"));
        System.out.print(report);
        Files.writeString(Path.of(System.getProperty("aurora.scan.report", "target/secret-scan.txt")), report,
                StandardCharsets.UTF_8);
        if (!hits.isEmpty()) {
            StringBuilder message = new StringBuilder(hits.size() + " configured secret(s) found in the suite's logs "
                    + "(secrets masked here). Per file:\n");
            Map<Path, Long> perFile = new TreeMap<>();
            hits.forEach(h -> perFile.merge(h.file(), 1L, Long::sum));
            perFile.forEach((file, count) -> message.append("  ").append(root.relativize(file)).append(": ")
                    .append(count).append('\n'));
            // The output files and the child processes' logs first: the XML reports repeat what the former hold.
            hits.sort(java.util.Comparator.comparing((SecretScan.Hit h) -> h.file().toString().endsWith(".xml")));
            message.append("Hits:\n");
            hits.stream().limit(SHOWN).forEach(h -> message.append(h.describe(root)).append('\n'));
            if (hits.size() > SHOWN) {
                message.append("... and ").append(hits.size() - SHOWN).append(" more\n");
            }
            fail(message.toString());
        }
    }

    /** The scanner itself: a secret is found as is, percent-encoded, and in a basic-auth header whatever the user. */
    @Test
    void theScanFindsASecretAsIsEncodedAndInsideABasicAuthHeaderAndMasksIt() throws IOException {
        String secret = "webhook-password-Ab3dEf7hJk9mNp2qRs4t";
        String unicode = "admin-password-Zx8yWv6uTs5rQp4nMk3j-\u00e4\u00f6";
        SecretScan scan = new SecretScan(Set.of(secret, unicode));
        StringBuilder text = new StringBuilder("a clean line\n");
        for (String user : List.of("a", "ab", "abc", "aurora")) {
            text.append("Authorization: Basic ")
                    .append(Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                    .append('\n');
        }
        text.append("configured ").append(secret).append(" as is\n");
        text.append("GET /x?password=").append(java.net.URLEncoder.encode(unicode, StandardCharsets.UTF_8)).append('\n');
        text.append("a last clean line without a newline");
        Path file = Files.createTempFile("secret-scan-", ".txt");
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            int[] lines = new int[1];
            List<SecretScan.Hit> hits = scan.scan(file, lines);
            assertEquals(8, lines[0]);
            assertEquals(List.of(2, 3, 4, 5, 6, 7), hits.stream().map(SecretScan.Hit::line).distinct().toList(), hits.toString());
            for (SecretScan.Hit hit : hits) {
                assertTrue(!hit.excerpt().contains(secret) && !hit.excerpt().contains("Zx8yWv6uTs5rQp4nMk3j")
                        && hit.secretMasked().endsWith("password-****"), hit.toString());
            }
        } finally {
            Files.delete(file);
        }
        assertEquals("", SecretScan.base64Core(Base64.getEncoder(), new byte[3], 1), "no whole group inside");
    }

    private static List<Path> modules(Path root) throws IOException {
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).sorted().toList();
        }
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
