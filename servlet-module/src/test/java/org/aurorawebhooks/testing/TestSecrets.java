package org.aurorawebhooks.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Secrets for tests (webhook tokens and passwords, admin passwords, API tokens, database passwords), each
 * one new and recorded, so that the suite-wide scan of every log line can look for exactly the secrets
 * that were configured. Each value is written, one per line, to a file of this JVM under
 * {@code aurora.test.secrets} (default {@code target/test-secrets}); that folder is never a log folder.
 */
public final class TestSecrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private TestSecrets() {
    }

    /** A new secret whose name starts with {@code purpose} (letters, digits and '-'), recorded for the scan. */
    public static String fresh(String purpose) {
        StringBuilder value = new StringBuilder(purpose).append('-');
        for (int i = 0; i < 20; i++) {
            value.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        String secret = value.toString();
        record(secret);
        return secret;
    }

    /** Records a secret a test could not choose (a generated one read back from a process), for the scan. */
    public static synchronized void record(String secret) {
        Path dir = Path.of(System.getProperty("aurora.test.secrets", "target/test-secrets"));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("secrets-" + ProcessHandle.current().pid() + ".txt"), secret + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record a test secret under " + dir, e);
        }
    }

    /**
     * Where a test sends the output of a process or server it starts (stdout, stderr, the server's log
     * files), so that the suite-wide secret scan reads it: {@code aurora.test.logs} (default
     * {@code target/test-logs}) / {@code name}.
     */
    public static Path logFile(String name) {
        Path dir = Path.of(System.getProperty("aurora.test.logs", "target/test-logs"));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the test log folder " + dir, e);
        }
        return dir.resolve(name);
    }
}
