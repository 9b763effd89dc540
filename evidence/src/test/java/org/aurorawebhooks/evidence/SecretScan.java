package org.aurorawebhooks.evidence;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Looks for secrets in text: each secret as is, percent-encoded when that differs, and inside any base64 text
 * (standard and URL-safe alphabets). The base64 forms catch a logged {@code Authorization: Basic
 * base64(user:password)} header: the password's place in it, and so its encoding, depends on the user name's
 * length, so each secret is encoded at the three byte alignments and only the characters that depend on the
 * secret's bytes alone are looked for. Finds every occurrence of every form in one pass over the text: the
 * forms are indexed by their first {@link #MIN_FORM} characters.
 */
final class SecretScan {
    /** The shortest form looked for; a shorter secret could not be told from chance text. */
    static final int MIN_FORM = 8;
    private static final Pattern FRESH = Pattern.compile("^([A-Za-z0-9-]+)-[A-HJ-NP-Za-km-z2-9]{20}");

    /** One way a secret can appear in text. */
    record Form(String text, String secret, String how) {
    }

    /** An occurrence: where, which secret (masked), in which form, and the line with every form masked. */
    record Hit(Path file, int line, String secretMasked, String how, String excerpt) {
        String describe(Path root) {
            return root.relativize(file) + ":" + line + ": " + secretMasked + " (" + how + "): " + excerpt;
        }
    }

    private final List<Form> forms = new ArrayList<>();
    private final Map<String, List<Form>> byPrefix = new HashMap<>();

    SecretScan(Set<String> secrets) {
        for (String secret : secrets) {
            if (secret.length() < MIN_FORM) {
                throw new IllegalArgumentException("a recorded secret has " + secret.length() + " characters, fewer than "
                        + MIN_FORM + ": it cannot be told from chance text; record secrets from TestSecrets.fresh");
            }
            for (Form form : formsOf(secret)) {
                forms.add(form);
                byPrefix.computeIfAbsent(form.text().substring(0, MIN_FORM), k -> new ArrayList<>()).add(form);
            }
        }
    }

    int formCount() {
        return forms.size();
    }

    /** The forms of one secret that text could hold it in. */
    static List<Form> formsOf(String secret) {
        Set<String> seen = new LinkedHashSet<>();
        List<Form> out = new ArrayList<>();
        add(out, seen, secret, secret, "as is");
        add(out, seen, URLEncoder.encode(secret, StandardCharsets.UTF_8), secret, "percent-encoded");
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        for (int offset = 0; offset < 3; offset++) {
            add(out, seen, base64Core(Base64.getEncoder(), bytes, offset), secret, "inside base64");
            add(out, seen, base64Core(Base64.getUrlEncoder(), bytes, offset), secret, "inside URL-safe base64");
        }
        return out;
    }

    private static void add(List<Form> out, Set<String> seen, String text, String secret, String how) {
        if (text.length() >= MIN_FORM && seen.add(text)) {
            out.add(new Form(text, secret, how));
        }
    }

    /**
     * The base64 characters that encode only {@code secret}'s bytes when they start {@code offset} bytes after
     * a 3-byte boundary of the encoded text: whatever comes before and after, these appear.
     */
    static String base64Core(Base64.Encoder encoder, byte[] secret, int offset) {
        byte[] shifted = new byte[offset + secret.length];
        System.arraycopy(secret, 0, shifted, offset, secret.length);
        String encoded = encoder.encodeToString(shifted);
        int firstGroup = (offset + 2) / 3;                    // the first 3-byte group made of the secret alone
        int endGroup = (offset + secret.length) / 3;          // one past the last such group
        return endGroup <= firstGroup ? "" : encoded.substring(4 * firstGroup, 4 * endGroup);
    }

    /** Every occurrence of every form in {@code file}, read as UTF-8; {@code lines} gets the file's line count. */
    List<Hit> scan(Path file, int[] lines) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        List<Integer> lineStarts = new ArrayList<>();
        lineStarts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n' && i + 1 < text.length()) {
                lineStarts.add(i + 1);
            }
        }
        lines[0] = text.isEmpty() ? 0 : lineStarts.size();
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i + MIN_FORM <= text.length(); i++) {
            List<Form> candidates = byPrefix.get(text.substring(i, i + MIN_FORM));
            if (candidates == null) {
                continue;
            }
            for (Form form : candidates) {
                if (text.startsWith(form.text(), i)) {
                    int line = lineOf(lineStarts, i);
                    int start = lineStarts.get(line);
                    int end = text.indexOf('\n', start);
                    hits.add(new Hit(file, line + 1, mask(form.secret()), form.how(),
                            excerpt(text.substring(start, end < 0 ? text.length() : end), form.text())));
                }
            }
        }
        return hits;
    }

    private static int lineOf(List<Integer> lineStarts, int position) {
        int lo = 0;
        int hi = lineStarts.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts.get(mid) <= position) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The line around the hit, at most about 200 characters, every form of every secret masked first. */
    private String excerpt(String line, String hitForm) {
        String marker = "<<<secret-scan-hit>>>";
        String masked = line.replace(hitForm, marker);
        for (Form form : forms) {
            if (masked.contains(form.text())) {
                masked = masked.replace(form.text(), "[" + mask(form.secret()) + "]");
            }
        }
        int at = masked.indexOf(marker);
        int from = Math.max(0, at - 100);
        int to = Math.min(masked.length(), at + marker.length() + 100);
        return (from > 0 ? "..." : "") + masked.substring(from, to).replace(marker, "****")
                + (to < masked.length() ? "..." : "");
    }

    /** A secret as a report may show it: the purpose {@code TestSecrets.fresh} put in front, the rest masked. */
    static String mask(String secret) {
        Matcher fresh = FRESH.matcher(secret);
        return fresh.find() ? fresh.group(1) + "-****" : "a recorded secret of " + secret.length() + " characters ****";
    }

    /** The distinct secrets recorded in the {@code .txt} files of {@code dir}, one a line. */
    static Set<String> recorded(Path dir) throws IOException {
        Set<String> secrets = new LinkedHashSet<>();
        if (!Files.isDirectory(dir)) {
            return secrets;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isEmpty()) {
                        secrets.add(line);
                    }
                }
            }
        }
        return secrets;
    }
}
