package org.aurorawebhooks.http;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.internal.Credentials;
import org.aurorawebhooks.internal.Sha256;
import org.aurorawebhooks.store.Delivery;

/**
 * Turns a delivery's query string into a {@link Delivery}, or a {@link Rejection} naming the
 * parameter at fault. It rejects only what Aurora can never send; an undocumented value of a
 * documented enum is kept and flagged, because Aurora adds statuses over time and losing a delivery
 * is worse than storing a surprise. Stateless and thread-safe.
 */
final class DeliveryParser {
    /**
     * Longest query string accepted. Aurora's templates produce a few hundred characters at most; the
     * bound stays below the containers' own request-line limits (8 KiB by default) so that the filter,
     * not the container, answers with a JSON error.
     */
    static final int MAX_QUERY_LENGTH = 4096;
    static final int MAX_PARAMETERS = 64;
    static final int MAX_ID_LENGTH = 64;
    /** Free-text values (a project status can be any string) are stored as received up to this length. */
    static final int MAX_TEXT_LENGTH = 1024;
    static final String REDACTED = "REDACTED";


    /** Parses a delivery whose parameters are all in the query string ({@code null} for none). */
    Delivery parse(EventType event, String rawQuery, Instant receivedAt) throws Rejection {
        return parse(event, rawQuery, null, receivedAt);
    }

    /**
     * Parses a delivery whose parameters are in the query string, in a form body (a tool that POSTs
     * {@code application/x-www-form-urlencoded}), or both; either may be {@code null}. The parameters
     * are read, and stored, as one query: the query string's first.
     */
    Delivery parse(EventType event, String rawQuery, String formBody, Instant receivedAt) throws Rejection {
        String query = combine(rawQuery, formBody);
        List<String[]> pairs = split(query);
        Map<String, String> byName = new HashMap<>();
        for (String[] pair : pairs) {
            String previous = byName.putIfAbsent(pair[0], pair[1]);
            if (previous != null && !previous.equals(pair[1])) {
                throw new Rejection(400, "conflicting_parameter", pair[0],
                        "parameter " + pair[0] + " is repeated with different values; Aurora sends each attribute once");
            }
        }

        String[] values = new String[Attribute.values().length];
        List<String> undocumented = null;
        for (Attribute attribute : event.attributes()) {
            String value = byName.get(attribute.parameter());
            if (value == null) {
                continue; // templates choose their attributes: an absent one is fine
            }
            boolean documented = switch (attribute.kind()) {
                case ID -> checkId(attribute.parameter(), value);
                case TEXT -> checkText(attribute.parameter(), value, event.documentedValues(attribute));
                case ATTRIBUTE_LIST -> checkAttributeList(attribute.parameter(), value, event.documentedValues(attribute));
            };
            if (!documented) {
                if (undocumented == null) {
                    undocumented = new ArrayList<>(2);
                }
                undocumented.add(attribute.parameter());
            }
            values[attribute.ordinal()] = value;
        }
        return new Delivery(event.name(), event.isLeadEvent(), receivedAt, values, storedQuery(query, pairs),
                undocumented == null ? null : String.join(",", undocumented), fingerprint(event.name(), byName));
    }

    /** Rejects a query string over the limit, naming it; {@code null} passes. */
    static void checkQueryLength(String query) throws Rejection {
        if (query != null && query.length() > MAX_QUERY_LENGTH) {
            throw new Rejection(414, "query_too_long", null, "the query string has " + query.length()
                    + " characters; at most " + MAX_QUERY_LENGTH + " are accepted");
        }
    }

    /**
     * The query string and the form body as one query, within {@link #MAX_QUERY_LENGTH}; a rejection
     * names what was too long: the query string (414, as the URI is), the form body, or the two together.
     */
    private static String combine(String query, String formBody) throws Rejection {
        checkQueryLength(query);
        int q = query == null ? 0 : query.length();
        int b = formBody == null ? 0 : formBody.length();
        if (b > MAX_QUERY_LENGTH) {
            throw new Rejection(413, "body_too_large", null, "the form body has " + b
                    + " characters; at most " + MAX_QUERY_LENGTH + " are accepted");
        }
        if (b == 0) {
            return query == null ? "" : query;
        }
        if (q == 0) {
            return formBody;
        }
        if (q + 1 + b > MAX_QUERY_LENGTH) {
            throw new Rejection(413, "parameters_too_long", null, "the query string (" + q + " characters) and the form body ("
                    + b + " characters) together have " + (q + 1 + b) + " characters of parameters; at most "
                    + MAX_QUERY_LENGTH + " are accepted");
        }
        return query + "&" + formBody;
    }

    /** Splits and decodes; each pair is {name, value, rawName}. */
    private static List<String[]> split(String query) throws Rejection {
        List<String[]> pairs = new ArrayList<>();
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            if (end > start) {
                String segment = query.substring(start, end);
                int eq = segment.indexOf('=');
                String rawName = eq < 0 ? segment : segment.substring(0, eq);
                String rawValue = eq < 0 ? "" : segment.substring(eq + 1);
                String name = decode(rawName, null);
                if (name.isEmpty()) {
                    throw new Rejection(400, "malformed_query", null, "the query string has a parameter without a name");
                }
                pairs.add(new String[] {name, decode(rawValue, name), rawName});
                if (pairs.size() > MAX_PARAMETERS) {
                    throw new Rejection(400, "too_many_parameters", null,
                            "the query string has more than " + MAX_PARAMETERS + " parameters");
                }
            }
            start = end + 1;
        }
        return pairs;
    }

    /** Strict application/x-www-form-urlencoded decoding: a bad escape or invalid UTF-8 is an error. */
    static String decode(String raw, String parameter) throws Rejection {
        if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
            return raw;
        }
        // Work on bytes: escapes are ASCII, and any raw non-ASCII character keeps its UTF-8 form.
        byte[] in = raw.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(in.length);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '+') {
                out.put((byte) ' ');
            } else if (b == '%') {
                int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
                int lo = hi >= 0 ? Character.digit(in[i + 2], 16) : -1;
                if (lo < 0) {
                    throw malformed(parameter, "has a '%' not followed by two hex digits");
                }
                out.put((byte) ((hi << 4) | lo));
                i += 2;
            } else {
                out.put(b);
            }
        }
        out.flip();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(out);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw malformed(parameter, "is not valid UTF-8 once percent-decoded");
        }
    }

    private static Rejection malformed(String parameter, String problem) {
        return parameter == null
                ? new Rejection(400, "malformed_query", null, "a parameter name " + problem)
                : new Rejection(400, "invalid_parameter", parameter, "parameter " + parameter + " " + problem);
    }

    /** Aurora's ids are UUIDs; 1-64 letters, digits, '-' or '_' still admits other opaque ids. */
    private static boolean checkId(String parameter, String value) throws Rejection {
        int n = value.length();
        if (n == 0 || n > MAX_ID_LENGTH) {
            throw new Rejection(400, "invalid_parameter", parameter, parameter + " must be 1 to " + MAX_ID_LENGTH
                    + " letters, digits, '-' or '_'; got " + n + " characters");
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                throw new Rejection(400, "invalid_parameter", parameter, parameter + " must be 1 to " + MAX_ID_LENGTH
                        + " letters, digits, '-' or '_'; character " + (i + 1) + " is " + describe(c));
            }
        }
        return true;
    }

    private static boolean checkText(String parameter, String value, Set<String> documented) throws Rejection {
        checkPrintable(parameter, value);
        return documented.isEmpty() || documented.contains(value);
    }

    private static void checkPrintable(String parameter, String value) throws Rejection {
        if (value.length() > MAX_TEXT_LENGTH) {
            throw new Rejection(400, "invalid_parameter", parameter, parameter + " has " + value.length()
                    + " characters; at most " + MAX_TEXT_LENGTH + " are accepted");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new Rejection(400, "invalid_parameter", parameter, parameter
                        + " contains a control character (" + describe(c) + ") at position " + (i + 1));
            }
        }
    }

    /** project_changed's attributes: a comma-separated list of attribute names. */
    private static boolean checkAttributeList(String parameter, String value, Set<String> documented) throws Rejection {
        checkPrintable(parameter, value);
        boolean allDocumented = true;
        Set<String> seen = new HashSet<>();
        for (String item : value.split(",", -1)) {
            if (item.isEmpty()) {
                throw new Rejection(400, "invalid_parameter", parameter,
                        parameter + " must be a comma-separated list of attribute names; it has an empty item");
            }
            if (!item.matches("[a-z][a-z0-9_]{0,63}")) {
                throw new Rejection(400, "invalid_parameter", parameter, parameter
                        + " must be a comma-separated list of attribute names such as status,customer_email; "
                        + "an item is not a lower-case name");
            }
            if (!seen.add(item)) {
                throw new Rejection(400, "invalid_parameter", parameter, parameter + " lists " + item + " twice");
            }
            allDocumented &= documented.isEmpty() || documented.contains(item);
        }
        return allDocumented;
    }

    private static String describe(char c) {
        return c < 0x20 || c == 0x7f || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }

    /** The query as received, with the values of credential-bearing parameters replaced. */
    private static String storedQuery(String query, List<String[]> pairs) {
        boolean any = false;
        for (String[] pair : pairs) {
            any |= Credentials.isCredentialName(pair[0]);
        }
        if (!any) {
            return query;
        }
        StringBuilder sb = new StringBuilder(query.length());
        for (String segment : query.split("&", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            int eq = segment.indexOf('=');
            String rawName = eq < 0 ? segment : segment.substring(0, eq);
            String name;
            try {
                name = decode(rawName, null);
            } catch (Rejection e) {
                name = rawName; // already decoded once in split(); cannot fail here
            }
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(Credentials.isCredentialName(name) ? rawName + "=" + REDACTED : segment);
        }
        return sb.toString();
    }

    /**
     * Equal for deliveries of the same event with the same parameters, in any order; a credential's
     * value does not count (a rotated token does not make a retry new). Names and values are
     * length-prefixed, so that {@code a=b%3Dc} and {@code a%3Db=c} differ.
     */
    private static void updateWithLength(MessageDigest sha, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }

    private static String fingerprint(String event, Map<String, String> byName) {
        MessageDigest sha = Sha256.newDigest();
        sha.update(event.getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, String> e : new TreeMap<>(byName).entrySet()) {
            String value = Credentials.isCredentialName(e.getKey()) ? REDACTED : e.getValue();
            updateWithLength(sha, e.getKey());
            updateWithLength(sha, value);
        }
        return Sha256.shortHex(sha.digest());
    }
}
