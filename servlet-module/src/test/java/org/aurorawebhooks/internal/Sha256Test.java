package org.aurorawebhooks.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Sha256Test {
    // FIPS 180-2 test vector: SHA-256("abc").
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void digestsMatchTheStandardTestVector() {
        assertArrayEquals(HexFormat.of().parseHex(ABC), Sha256.digest("abc"));
        assertArrayEquals(HexFormat.of().parseHex(ABC), Sha256.digest("abc".getBytes(StandardCharsets.UTF_8)));
        MessageDigest parts = Sha256.newDigest();
        parts.update((byte) 'a');
        parts.update("bc".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(HexFormat.of().parseHex(ABC), parts.digest());
    }

    @Test
    void stringsAreDigestedAsUtf8() {
        assertArrayEquals(Sha256.digest("café".getBytes(StandardCharsets.UTF_8)), Sha256.digest("café"));
    }

    @Test
    void shortHexIsTheFirstSixteenBytesInLowerCase() {
        assertEquals(ABC.substring(0, 32), Sha256.shortHex(Sha256.digest("abc")));
    }

    @Test
    void shortHexRefusesADigestShorterThanSixteenBytes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sha256.shortHex(new byte[15]));
        assertEquals("a digest of at least 16 bytes is expected; got 15", e.getMessage());
    }
}
