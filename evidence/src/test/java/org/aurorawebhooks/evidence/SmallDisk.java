package org.aurorawebhooks.evidence;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real filesystem of its own that a test can fill to the last byte and free again: a small tmpfs mounted
 * on a temporary folder (root only). Writes to a full one fail with {@code ENOSPC}, exactly as on a full disk,
 * which SQLite reports as {@code SQLITE_FULL}. Mounting needs root (CAP_SYS_ADMIN): elsewhere the test is
 * skipped with a notice, except under {@code CI=true}, where it fails.
 */
final class SmallDisk implements AutoCloseable {
    private final Path dir;
    private final Path ballast;

    private SmallDisk(Path dir) {
        this.dir = dir;
        this.ballast = dir.resolve("ballast");
    }

    /** Mounts a tmpfs of {@code megabytes} on a new temporary folder. */
    static SmallDisk mount(int megabytes) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("aurora-small-disk-");
        String out = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0700", "aurora-outage",
                dir.toString()));
        if (out != null) {
            Files.deleteIfExists(dir);
            String notice = "cannot mount a tmpfs to fill (needs root): " + out;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(notice);
            }
            System.err.println("SKIPPED: " + notice);
            assumeTrue(false, notice);
        }
        return new SmallDisk(dir);
    }

    Path dir() {
        return dir;
    }

    /**
     * Fills the filesystem: writes a ballast file until the kernel refuses another byte.
     *
     * @return the ballast's size in bytes
     */
    long fill() throws IOException {
        try (FileChannel channel = FileChannel.open(ballast, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (int chunk : new int[] {1 << 20, 4096, 1}) {
                ByteBuffer bytes = ByteBuffer.allocate(chunk);
                try {
                    while (true) {
                        bytes.clear();
                        channel.write(bytes);
                    }
                } catch (IOException full) {
                    // ENOSPC: go on with smaller chunks, down to the last byte
                }
            }
            return channel.size();
        }
    }

    /** Frees what {@link #fill()} took. */
    void free() throws IOException {
        Files.deleteIfExists(ballast);
    }

    /** Bytes the filesystem still has for files. */
    long usableBytes() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        free();
        if (run(List.of("umount", dir.toString())) != null) {
            // Something still has a file open there (a process that did not stop): detach it now, gone when closed.
            run(List.of("umount", "-l", dir.toString()));
        }
        Files.deleteIfExists(dir);
    }

    /** Runs a command; null when it succeeded, else what it said. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return command.get(0) + ": " + e.getMessage();
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + ": no answer within 60 s";
        }
        return p.exitValue() == 0 ? null : String.join(" ", command) + " exited with " + p.exitValue() + ": " + out;
    }
}
