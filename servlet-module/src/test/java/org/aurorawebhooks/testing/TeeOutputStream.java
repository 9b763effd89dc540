package org.aurorawebhooks.testing;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes to two streams. A test that captures {@code System.err} or {@code System.out} to look at what was
 * logged keeps it going to the real stream as well, so the test's output file, which the suite-wide secret
 * scan reads, still holds every line.
 */
public final class TeeOutputStream extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    public TeeOutputStream(OutputStream first, OutputStream second) {
        this.first = first;
        this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
        first.write(b);
        second.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        first.write(b, off, len);
        second.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        first.flush();
        second.flush();
    }
}
