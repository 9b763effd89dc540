package org.aurorawebhooks.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one SHA-256 helper: delivery fingerprints, lead content hashes and the fixed-length digests the
 * authenticator compares in constant time all go through here, so they cannot drift apart.
 *
 * <p>Fingerprints and content hashes are stored in users' databases and compared against new values:
 * {@link #shortHex} must never change its output for a given digest.
 *
 * <p>Internal and unsupported: it may change in any release.
 */
public final class Sha256 {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Bytes of a digest kept by {@link #shortHex}: 128 bits, ample against accidental collisions. */
    private static final int SHORT_BYTES = 16;

    private Sha256() {
    }

    /** A fresh digest, for input fed in parts; not thread-safe, like every {@link MessageDigest}. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** The 32-byte digest of {@code input}. */
    public static byte[] digest(byte[] input) {
        return newDigest().digest(input);
    }

    /** The 32-byte digest of {@code text} encoded as UTF-8. */
    public static byte[] digest(String text) {
        return digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The first 16 bytes of a digest as 32 lower-case hex characters: the form of
     * {@code events.fingerprint} and {@code aurora_leads.content_hash}.
     */
    public static String shortHex(byte[] digest) {
        if (digest.length < SHORT_BYTES) {
            throw new IllegalArgumentException("a digest of at least " + SHORT_BYTES + " bytes is expected; got "
                    + digest.length);
        }
        char[] out = new char[2 * SHORT_BYTES];
        for (int i = 0; i < SHORT_BYTES; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(out);
    }
}
