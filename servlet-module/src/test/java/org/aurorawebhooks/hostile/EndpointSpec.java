package org.aurorawebhooks.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.internal.Credentials;

/**
 * What the endpoint must answer, written from the README's endpoint table and operator console section
 * rather than from the filter's code: given what the container handed to the filter (a
 * {@link HostileServers.Seen}) and the body that was sent, the expected answer. Where the README leaves
 * the order of several faults open, every fault the request has is admissible, and the filter must name
 * one of them.
 */
final class EndpointSpec {
    static final String PREFIX = "/aurora/webhooks";
    static final int MAX_QUERY = 4096;
    static final int MAX_PARAMETERS = 64;
    static final int MAX_ID = 64;
    static final int MAX_TEXT = 1024;
    static final List<String> CONSOLE_PAGES = List.of("_status", "_dashboard", "_metrics", "_dashboard/retry");

    /** The credentials the filter was started with. */
    record Secrets(String tokenHeader, List<String> tokens, String basicUser, String basicPassword,
                   String adminUser, String adminPassword) {
        private static final java.util.regex.Pattern BASIC = java.util.regex.Pattern.compile(
                "(?i)(basic\\s+)[A-Za-z0-9+/=]{8,}");

        /**
         * The text with every configured secret (and what a generated credential makes of one: cut short, with
         * something appended, in upper case, base64 in a basic header) replaced, for failure reports: a test's
         * output is a log too.
         */
        String mask(String text) {
            String out = BASIC.matcher(text).replaceAll("$1<base64 masked>");
            List<String> all = new ArrayList<>(tokens);
            all.addAll(List.of(basicUser, basicPassword, adminUser, adminPassword));
            for (String secret : all) {
                String stem = java.util.regex.Pattern.quote(secret.substring(0, secret.length() - 1));
                out = out.replaceAll("(?i)" + stem + ".?", "<" + secret.substring(0, secret.lastIndexOf('-')) + " masked>");
            }
            return out;
        }
    }

    /** One reason the endpoint may give for a 4xx: its error code and the parameter it names (or null). */
    record Fault(String code, String parameter) {
    }

    sealed interface Expected permits Host, Console, Index, Rejected, Accepted {
    }

    /** Not the filter's path: the host app answers. */
    record Host() implements Expected {
    }

    /** An operator console page: one of {@code statuses}. */
    record Console(String page, Set<Integer> statuses) implements Expected {
    }

    /** {@code GET {path}/} with the credential: the list of events. */
    record Index() implements Expected {
    }

    /** Refused with {@code status}, for one of {@code faults}; nothing stored. */
    record Rejected(int status, Set<Fault> faults) implements Expected {
    }

    /** Accepted: stored with these values (HEAD: answered 200 and not stored). */
    record Accepted(EventType event, Map<Attribute, String> values, String storedQuery, String undocumented,
                    boolean head) implements Expected {
    }

    private final Secrets secrets;
    private final EventCatalog catalog = EventCatalog.aurora();

    EndpointSpec(Secrets secrets) {
        this.secrets = secrets;
    }

    Expected expect(HostileServers.Seen seen, byte[] body) {
        String uri = seen.uri();
        String path = uri.startsWith(HostileServers.CONTEXT) ? uri.substring(HostileServers.CONTEXT.length()) : uri;
        if (path.startsWith(PREFIX + "/") && CONSOLE_PAGES.contains(path.substring(PREFIX.length() + 1))) {
            return console(seen, path.substring(PREFIX.length() + 1), body);
        }
        boolean index = path.equals(PREFIX) || path.equals(PREFIX + "/");
        if (!index && !path.startsWith(PREFIX + "/")) {
            return new Host();
        }
        String method = seen.method();
        if (!method.equals("GET") && !method.equals("POST") && !method.equals("HEAD")) {
            return rejected(405, "method_not_allowed", null);
        }
        if (!admitted(seen)) {
            return rejected(401, "unauthorized", null);
        }
        if (index) {
            return new Index();
        }
        String name = path.substring(PREFIX.length() + 1);
        Optional<EventType> event = catalog.find(name);
        if (event.isEmpty()) {
            return rejected(404, "unknown_event", null);
        }
        String query = seen.query() == null ? "" : seen.query();
        if (query.length() > MAX_QUERY) {
            return rejected(414, "query_too_long", null);
        }
        String form = null;
        String type = seen.contentType();
        if (method.equals("POST") && type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")
                && body != null) {
            if (body.length > MAX_QUERY) {
                return rejected(413, "body_too_large", null);
            }
            form = new String(body, StandardCharsets.UTF_8); // as a servlet reads it: undecodable bytes become U+FFFD
        }
        String all = query;
        if (form != null && !form.isEmpty()) {
            if (!query.isEmpty() && query.length() + 1 + form.length() > MAX_QUERY) {
                return rejected(413, "parameters_too_long", null);
            }
            all = query.isEmpty() ? form : query + "&" + form;
        }
        return parameters(event.get(), all, method.equals("HEAD"));
    }

    private static Rejected rejected(int status, String code, String parameter) {
        return new Rejected(status, Set.of(new Fault(code, parameter)));
    }

    /** The parameters: every fault they have, or the row they make. */
    private Expected parameters(EventType event, String query, boolean head) {
        Set<Fault> faults = new LinkedHashSet<>();
        Map<String, Set<String>> values = new LinkedHashMap<>();
        List<String[]> segments = new ArrayList<>(); // {rawName, decodedName}
        int count = 0;
        for (String segment : query.split("&", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            count++;
            int eq = segment.indexOf('=');
            String rawName = eq < 0 ? segment : segment.substring(0, eq);
            Optional<String> name = strictDecode(rawName);
            if (name.isEmpty() || name.get().isEmpty()) {
                faults.add(new Fault("malformed_query", null));
                continue;
            }
            Optional<String> value = strictDecode(eq < 0 ? "" : segment.substring(eq + 1));
            if (value.isEmpty()) {
                faults.add(new Fault("invalid_parameter", name.get()));
                continue;
            }
            segments.add(new String[] {rawName, name.get()});
            values.computeIfAbsent(name.get(), k -> new LinkedHashSet<>()).add(value.get());
        }
        if (count > MAX_PARAMETERS) {
            faults.add(new Fault("too_many_parameters", null));
        }
        values.forEach((name, distinct) -> {
            if (distinct.size() > 1) {
                faults.add(new Fault("conflicting_parameter", name));
            }
        });
        Map<Attribute, String> row = new EnumMap<>(Attribute.class);
        List<String> undocumented = new ArrayList<>();
        for (Attribute attribute : event.attributes()) {
            Set<String> given = values.get(attribute.parameter());
            if (given == null) {
                continue;
            }
            String value = given.iterator().next();
            Set<String> documented = event.documentedValues(attribute);
            boolean valid = switch (attribute.kind()) {
                case ID -> isId(value);
                case TEXT -> isText(value);
                case ATTRIBUTE_LIST -> isAttributeList(value);
            };
            if (!valid) {
                faults.add(new Fault("invalid_parameter", attribute.parameter()));
                continue;
            }
            boolean known = switch (attribute.kind()) {
                case ID -> true;
                case TEXT -> documented.isEmpty() || documented.contains(value);
                case ATTRIBUTE_LIST -> documented.isEmpty() || documented.containsAll(List.of(value.split(",")));
            };
            if (!known) {
                undocumented.add(attribute.parameter());
            }
            row.put(attribute, value);
        }
        if (!faults.isEmpty()) {
            return new Rejected(400, faults);
        }
        return new Accepted(event, row, redacted(query, segments), undocumented.isEmpty() ? null : String.join(",", undocumented),
                head);
    }

    /** README: credential-bearing parameters are stored as {@code name=REDACTED}; everything else as received. */
    private static String redacted(String query, List<String[]> segments) {
        if (segments.stream().noneMatch(s -> Credentials.isCredentialName(s[1]))) {
            return query;
        }
        List<String> out = new ArrayList<>();
        for (String segment : query.split("&", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            int eq = segment.indexOf('=');
            String rawName = eq < 0 ? segment : segment.substring(0, eq);
            String name = strictDecode(rawName).orElse(rawName);
            out.add(Credentials.isCredentialName(name) ? rawName + "=REDACTED" : segment);
        }
        return String.join("&", out);
    }

    /** README: an id is 1 to 64 letters, digits, '-' or '_'. */
    static boolean isId(String value) {
        return value.matches("[A-Za-z0-9_-]{1," + MAX_ID + "}");
    }

    /** README: free text up to 1,024 (Java) characters without a control character. */
    static boolean isText(String value) {
        return value.length() <= MAX_TEXT && value.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    /** README: a comma-separated list of distinct lower-case attribute names. */
    static boolean isAttributeList(String value) {
        if (!isText(value)) {
            return false;
        }
        Set<String> seen = new HashSet<>();
        for (String item : value.split(",", -1)) {
            if (!item.matches("[a-z][a-z0-9_]{0,63}") || !seen.add(item)) {
                return false;
            }
        }
        return true;
    }

    /**
     * application/x-www-form-urlencoded decoding that refuses what the README calls a bad {@code %} escape or
     * invalid UTF-8; empty when the text cannot be decoded.
     */
    static Optional<String> strictDecode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= raw.length() || !isHex(raw.charAt(i + 1)) || !isHex(raw.charAt(i + 2))) {
                    return Optional.empty();
                }
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < raw.length() ? i + 2 : i + 1;
                bytes.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Either scheme admits: the token header (any configured value, surrounding blanks ignored) or HTTP basic. */
    private boolean admitted(HostileServers.Seen seen) {
        String token = seen.header(secrets.tokenHeader());
        if (token != null && secrets.tokens().contains(token.trim())) {
            return true;
        }
        return basic(seen.header("Authorization"), secrets.basicUser(), secrets.basicPassword());
    }

    static boolean basic(String authorization, String user, String password) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            return decoded.equals(user + ":" + password);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * README, operator console: 401 without the admin credential; GET/HEAD for the pages, POST for the retry
     * form (405 otherwise); the retry needs this node's form token, which no generated request has (403). A
     * page that reads parameters may answer 400 when they cannot be decoded.
     */
    private Console console(HostileServers.Seen seen, String page, byte[] body) {
        if (!basic(seen.header("Authorization"), secrets.adminUser(), secrets.adminPassword())) {
            return new Console(page, Set.of(401));
        }
        String method = seen.method();
        boolean retry = page.equals("_dashboard/retry");
        if (retry ? !method.equals("POST") : !method.equals("GET") && !method.equals("HEAD")) {
            return new Console(page, Set.of(405));
        }
        boolean readsParameters = retry || page.equals("_dashboard");
        boolean decodable = seen.query() == null || decodableQuery(seen.query());
        if (retry && body != null && seen.contentType() != null
                && seen.contentType().toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            decodable &= decodableQuery(new String(body, StandardCharsets.UTF_8));
        }
        int ok = retry ? 403 : 200;
        return new Console(page, readsParameters && !decodable ? Set.of(400, ok) : Set.of(ok));
    }

    private static boolean decodableQuery(String query) {
        for (String segment : query.split("&", -1)) {
            for (String part : segment.split("=", 2)) {
                if (strictDecode(part).isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }
}
