package org.aurorawebhooks.auth;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One way of presenting a credential: the request headers to send raw (names and values as written on the
 * wire, repeated names allowed) and whether the filter must admit them. The label names the variation and
 * never holds a secret: it is what test output shows.
 */
record Attempt(String label, Expect expect, List<String> headers) {

    /** What the filter must make of an attempt. */
    enum Expect {
        /** The credential, as HTTP allows it to be written: the request is served. */
        ADMITTED,
        /** Not the credential: refused with 401, nothing stored. */
        REFUSED,
        /**
         * Bytes HTTP does not allow in a header: the container may refuse the request itself (400) before
         * the filter sees it; otherwise the filter refuses it with 401. Never admitted.
         */
        REFUSED_OR_BAD_REQUEST
    }

    static Attempt admitted(String label, String... headers) {
        return new Attempt(label, Expect.ADMITTED, List.of(headers));
    }

    static Attempt refused(String label, String... headers) {
        return new Attempt(label, Expect.REFUSED, List.of(headers));
    }

    static Attempt badBytes(String label, String... headers) {
        return new Attempt(label, Expect.REFUSED_OR_BAD_REQUEST, List.of(headers));
    }

    String[] headerArray() {
        return headers.toArray(String[]::new);
    }

    static String base64(String text) {
        return base64(text, StandardCharsets.UTF_8);
    }

    static String base64(String text, Charset charset) {
        return Base64.getEncoder().encodeToString(text.getBytes(charset));
    }

    /** {@code text} as UTF-8 bytes on the wire ({@code FilterHarness.raw} writes each char as one byte). */
    static String utf8OnTheWire(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /**
     * HTTP basic credentials ({@code Authorization: Basic base64(user:password)}) for {@code user} and
     * {@code password}: the forms HTTP allows for them, and wrong, empty, truncated, prefixed, suffixed,
     * case-changed, whitespace-padded and malformed ones.
     */
    static List<Attempt> basic(String user, String password) {
        String good = base64(user + ":" + password);
        String auth = "Authorization";
        List<Attempt> attempts = new ArrayList<>(List.of(
                admitted("basic: as configured", auth, "Basic " + good),
                admitted("basic: scheme in lower case (schemes are case-insensitive)", auth, "basic " + good),
                admitted("basic: scheme in upper case", auth, "BASIC " + good),
                admitted("basic: header value padded with spaces (HTTP strips them)", auth, "   Basic " + good + "   "),
                admitted("basic: several spaces after the scheme", auth, "Basic    " + good),
                refused("basic: no Authorization header"),
                refused("basic: empty Authorization header", auth, ""),
                refused("basic: the scheme alone", auth, "Basic"),
                refused("basic: the scheme and a space", auth, "Basic "),
                refused("basic: no scheme, the base64 alone", auth, good),
                refused("basic: another scheme (Bearer)", auth, "Bearer " + good),
                refused("basic: another scheme (Digest)", auth, "Digest " + good),
                refused("basic: scheme glued to the credential", auth, "Basic" + good),
                refused("basic: not base64", auth, "Basic !!" + good),
                refused("basic: base64 cut short", auth, "Basic " + good.substring(0, good.length() - 4)),
                refused("basic: base64 in two words", auth, "Basic " + good.substring(0, 8) + " " + good.substring(8)),
                refused("basic: something after the base64", auth, "Basic " + good + " x"),
                refused("basic: user and password without the colon", auth, "Basic " + base64(user + password)),
                refused("basic: the password alone", auth, "Basic " + base64(password)),
                refused("basic: empty password", auth, "Basic " + base64(user + ":")),
                refused("basic: empty user", auth, "Basic " + base64(":" + password)),
                refused("basic: a colon alone", auth, "Basic " + base64(":")),
                refused("basic: user and password swapped", auth, "Basic " + base64(password + ":" + user)),
                refused("basic: wrong password", auth, "Basic " + base64(user + ":not-the-password")),
                refused("basic: wrong user", auth, "Basic " + base64("someone-else:" + password)),
                refused("basic: user in upper case", auth, "Basic " + base64(user.toUpperCase(Locale.ROOT) + ":" + password)),
                refused("basic: password in upper case", auth, "Basic " + base64(user + ":" + password.toUpperCase(Locale.ROOT))),
                refused("basic: password in lower case", auth, "Basic " + base64(user + ":" + password.toLowerCase(Locale.ROOT))),
                refused("basic: password without its last character", auth,
                        "Basic " + base64(user + ":" + password.substring(0, password.length() - 1))),
                refused("basic: password without its first character", auth, "Basic " + base64(user + ":" + password.substring(1))),
                refused("basic: half the password", auth,
                        "Basic " + base64(user + ":" + password.substring(0, password.length() / 2))),
                refused("basic: password with a prefix", auth, "Basic " + base64(user + ":x" + password)),
                refused("basic: password with a suffix", auth, "Basic " + base64(user + ":" + password + "x")),
                refused("basic: password twice", auth, "Basic " + base64(user + ":" + password + password)),
                refused("basic: a space before the password", auth, "Basic " + base64(user + ": " + password)),
                refused("basic: a space after the password", auth, "Basic " + base64(user + ":" + password + " ")),
                refused("basic: a tab after the password", auth, "Basic " + base64(user + ":" + password + "\t")),
                refused("basic: a newline after the password", auth, "Basic " + base64(user + ":" + password + "\n")),
                refused("basic: a NUL after the password", auth, "Basic " + base64(user + ":" + password + "\u0000")),
                refused("basic: a space after the user", auth, "Basic " + base64(user + " :" + password)),
                refused("basic: a space before the user", auth, "Basic " + base64(" " + user + ":" + password)),
                refused("basic: the password quoted", auth, "Basic " + base64(user + ":\"" + password + "\"")),
                refused("basic: user:password not encoded", auth, "Basic " + user + ":" + password),
                refused("basic: two headers, both wrong", auth, "Basic " + base64(user + ":x"), auth, "Basic " + base64("x:" + password)),
                badBytes("basic: a non-ASCII byte after the base64", auth, "Basic " + good + utf8OnTheWire("\u00e9")),
                badBytes("basic: user:password as raw UTF-8, not base64", auth,
                        "Basic " + utf8OnTheWire(user + ":" + password + "\u00e4"))));
        String unpadded = good.replace("=", "");
        if (!unpadded.equals(good)) {
            // RFC 4648 padding; Java's decoder does not require it, and neither does the credential.
            attempts.add(admitted("basic: base64 without its '=' padding", auth, "Basic " + unpadded));
        }
        return attempts;
    }

    /**
     * For a credential whose password holds non-ASCII letters: UTF-8, as the challenge's
     * {@code charset="UTF-8"} asks (RFC 7617), is admitted; ISO-8859-1, a decomposed (NFD) spelling and a
     * look-alike letter are not.
     */
    static List<Attempt> unicodeBasic(String user, String password) {
        String auth = "Authorization";
        String decomposed = java.text.Normalizer.normalize(password, java.text.Normalizer.Form.NFD);
        if (decomposed.equals(password)) {
            throw new IllegalArgumentException("the password needs a precomposed letter such as \u00e4");
        }
        return List.of(
                admitted("unicode basic: UTF-8, as RFC 7617 asks", auth, "Basic " + base64(user + ":" + password)),
                refused("unicode basic: ISO-8859-1 bytes", auth,
                        "Basic " + base64(user + ":" + password, StandardCharsets.ISO_8859_1)),
                refused("unicode basic: the password decomposed (NFD)", auth, "Basic " + base64(user + ":" + decomposed)),
                refused("unicode basic: Cyrillic a for Latin a in the user", auth,
                        "Basic " + base64(user.replace('a', '\u0430') + ":" + password)),
                badBytes("unicode basic: raw UTF-8 bytes in the header", auth, "Basic " + utf8OnTheWire(user + ":" + password)));
    }

    /** A header token ({@code header}: {@code token}), right and wrong. */
    static List<Attempt> header(String header, String token) {
        String upperFirst = token.substring(0, 1).toUpperCase(Locale.ROOT).equals(token.substring(0, 1))
                ? token.substring(0, 1).toLowerCase(Locale.ROOT) + token.substring(1)
                : token.substring(0, 1).toUpperCase(Locale.ROOT) + token.substring(1);
        return List.of(
                admitted("header: as configured", header, token),
                admitted("header: its name in lower case (names are case-insensitive)", header.toLowerCase(Locale.ROOT), token),
                admitted("header: its name in upper case", header.toUpperCase(Locale.ROOT), token),
                admitted("header: value padded with spaces (HTTP strips them)", header, "   " + token + "   "),
                admitted("header: value padded with a tab", header, "\t" + token + "\t"),
                refused("header: absent"),
                refused("header: empty", header, ""),
                refused("header: spaces only", header, "   "),
                refused("header: wrong value", header, "not-the-token"),
                refused("header: without its last character", header, token.substring(0, token.length() - 1)),
                refused("header: without its first character", header, token.substring(1)),
                refused("header: half the token", header, token.substring(0, token.length() / 2)),
                refused("header: with a prefix", header, "x" + token),
                refused("header: with a Bearer prefix", header, "Bearer " + token),
                refused("header: with a suffix", header, token + "x"),
                refused("header: twice in one value", header, token + token),
                refused("header: in upper case", header, token.toUpperCase(Locale.ROOT)),
                refused("header: in lower case", header, token.toLowerCase(Locale.ROOT)),
                refused("header: first letter's case changed", header, upperFirst),
                refused("header: a space inside", header, token.substring(0, 5) + " " + token.substring(5)),
                refused("header: quoted", header, "\"" + token + "\""),
                refused("header: after a wrong value in one comma-separated list", header, "not-the-token, " + token),
                refused("header: before a wrong value in one comma-separated list", header, token + ", not-the-token"),
                refused("header: two headers, both wrong", header, "x", header, "y"),
                refused("header: under another header name", header + "-2", token),
                refused("header: under the name with '_' for '-'", header.replace('-', '_'), token),
                refused("header: as a bearer token", "Authorization", "Bearer " + token),
                refused("header: as the password of basic auth", "Authorization", "Basic " + base64("aurora:" + token)),
                badBytes("header: a non-ASCII byte after it", header, token + utf8OnTheWire("\u00e9")),
                badBytes("header: a NUL after it", header, token + "\u0000"),
                badBytes("header: a bare CR inside", header, token.substring(0, 5) + "\r" + token.substring(5)));
    }
}
