package org.aurorawebhooks.hostile;

import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators of hostile requests: on the webhook paths, the console's, the index, the host app's and
 * outside the webapp; every method including unknown and malformed ones; valid, rotated, wrong, truncated,
 * prefixed, duplicated and missing credentials of both schemes; parameters with random Unicode, control
 * characters, bytes that are not UTF-8, overlong values, broken percent-encoding, SQL- and script-looking
 * text, repeated and conflicting parameters; overlong queries and headers; form bodies.
 *
 * <p>Shrinking moves every choice towards the first option of its list and every list towards fewer
 * items, so each list starts with the plain case: a failure shrinks to the fewest hostile parts.
 *
 * <p>Script-looking values carry a marker, {@code hz} and digits, in forms such as {@code <hz12>},
 * {@code "hz12"} and {@code 'hz12'}: the console check finds every marker on a page and looks at what
 * surrounds it. Never generated, as they frame the request rather than carry input: {@code Host},
 * {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}, {@code Expect}, {@code Upgrade}
 * and line breaks inside header lines.
 */
final class HostileRequests {
    private static final String WEBHOOKS = HostileServers.CONTEXT + EndpointSpec.PREFIX;
    private static final String FORM = "application/x-www-form-urlencoded";

    private final EndpointSpec.Secrets secrets;
    private final List<EventType> events = EventCatalog.aurora().events();

    HostileRequests(EndpointSpec.Secrets secrets) {
        this.secrets = secrets;
    }

    /** How a parameter's text is written into a query. */
    enum Encoding {
        /** Every byte but the unreserved characters as {@code %XX} of its UTF-8, spaces as {@code %20}. */
        PERCENT,
        /** As PERCENT, spaces as {@code +}. */
        PLUS,
        /**
         * As it is: characters no URI allows go on the wire as they are, except CR and LF, which would end the
         * request line (framing, not input: they go as {@code %0D} and {@code %0A}).
         */
        RAW,
        /** Percent-encoded with a broken escape somewhere in it. */
        BROKEN,
        /**
         * Only what would change the query's structure is encoded ({@code & = # % +} as escapes, spaces as
         * {@code +}): markup characters such as {@code < > " '} go on the wire as they are.
         */
        MARKUP
    }

    /** One query parameter before encoding. */
    record Param(String name, String value, Encoding encoding) {
    }

    /** Any request, in the proportions of the run. */
    Gen<HostileRequest> any() {
        return Generate.frequency(List.of(
                Pair.of(50, webhook()),
                Pair.of(22, host()),
                Pair.of(8, console()),
                Pair.of(3, index()),
                Pair.of(5, rawBytes()),
                Pair.of(3, outside())));
    }

    /** A delivery that is accepted with markup in its free text, and a request that is refused with markup in it. */
    record ConsoleCase(HostileRequest accepted, HostileRequest rejected) {
        @Override
        public String toString() {
            return "accepted: " + accepted + "\n  refused: " + rejected;
        }
    }

    /** For the console check: both requests carry markers; the accepted one is stored, the other only counted. */
    Gen<ConsoleCase> consoleCases() {
        List<EventType> withText = events.stream()
                .filter(e -> e.attributes().stream().anyMatch(a -> a.kind() == Attribute.Kind.TEXT)).toList();
        List<HostileRequest.Header> token = List.of(header(secrets.tokenHeader(), secrets.tokens().get(0)));
        Gen<HostileRequest> accepted = Generate.pick(withText).zip(hostileText(), hostileText(),
                Generate.pick(List.of(Encoding.MARKUP, Encoding.PERCENT, Encoding.PLUS)), (e, text, note, encoding) -> {
                    List<String> parts = new ArrayList<>();
                    int i = 0;
                    for (Attribute a : e.attributes()) {
                        parts.add(a.parameter() + "=" + (a.kind() == Attribute.Kind.TEXT ? encode(text, encoding)
                                : encode(goodValue(e, a, i), Encoding.PERCENT)));
                        i++;
                    }
                    parts.add("note=" + encode(note, Encoding.MARKUP));
                    return new HostileRequest("accepted " + e.name(), "GET", WEBHOOKS + "/" + e.name() + "?"
                            + String.join("&", parts), token, null, false);
                });
        Gen<HostileRequest> refused = hostileText().zip(hostileText(), Generate.range(0, 3), (name, text, how) -> switch (how) {
            case 0 -> new HostileRequest("unknown event", "GET", WEBHOOKS + "/" + percent(name, false) + "?x="
                    + encode(text, Encoding.MARKUP), token, null, false);
            case 1 -> new HostileRequest("no credential", "GET", WEBHOOKS + "/lead_created?lead_id="
                    + encode(text, Encoding.MARKUP), List.of(), null, false);
            case 2 -> new HostileRequest("invalid id", "GET", WEBHOOKS + "/lead_created?lead_id="
                    + encode(name, Encoding.MARKUP) + "&source=" + encode(text, Encoding.MARKUP), token, null, false);
            default -> new HostileRequest("method", "PUT", WEBHOOKS + "/" + percent(name, false) + "?"
                    + encode(text, Encoding.MARKUP) + "=1", token, null, false);
        });
        return accepted.zip(refused, ConsoleCase::new);
    }

    // ---- requests

    Gen<HostileRequest> webhook() {
        Gen<EventType> event = Generate.pick(events);
        return Generate.frequency(List.of(
                        Pair.of(8, event.map(e -> e.name())),
                        Pair.of(2, hostileEventName())))
                .flatMap(name -> {
                    EventType known = EventCatalog.aurora().find(name).orElse(null);
                    return method().zip(query(known), credentials(), extraHeaders(), (method, query, credential, extra) ->
                            new Parts(method, WEBHOOKS + "/" + name + query, concat(credential, extra), known));
                })
                .flatMap(this::withBody);
    }

    Gen<HostileRequest> console() {
        Gen<String> page = Generate.pick(EndpointSpec.CONSOLE_PAGES);
        Gen<List<HostileRequest.Header>> credential = Generate.frequency(List.of(
                Pair.of(5, Generate.constant(List.of(header("Authorization", basic(secrets.adminUser(), secrets.adminPassword()))))),
                Pair.of(3, credentials())));
        return page.zip(consoleMethod(), paramsQuery(null), credential, (p, method, query, cred) ->
                new Parts(method, WEBHOOKS + "/" + p + query, cred, null)).flatMap(this::withBody);
    }

    Gen<HostileRequest> index() {
        return Generate.pick(List.of(WEBHOOKS + "/", WEBHOOKS)).zip(method(), credentials(), paramsQuery(null),
                (path, method, credential, query) -> new Parts(method, path + query, credential, null)).flatMap(this::withBody);
    }

    /** The host app's paths, some of them close to the filter's; any method, any credential. */
    Gen<HostileRequest> host() {
        Gen<String> path = Generate.pick(List.of("/orders/17", "/", "/aurora", "/aurora/", "/aurora/webhooksX",
                "/aurora/webhook/lead_created", "/AURORA/webhooks/lead_created", "/Aurora/Webhooks/lead_created",
                "/static/app.js", "/aurora/%77ebhooks/lead_created", "/x/aurora/webhooks/lead_created", "",
                "/api/leads/%3Cscript%3E", "/aurora/webhooks_status"));
        return path.zip(method(), paramsQuery(null), credentials(), extraHeaders(), (p, method, query, credential, extra) ->
                new Parts(method, HostileServers.CONTEXT + p + query, concat(credential, extra), null)).flatMap(this::withBody);
    }

    /** Outside the webapp, or not a path at all. */
    Gen<HostileRequest> outside() {
        Gen<String> target = Generate.pick(List.of("/", "/other", "/apple/aurora/webhooks/lead_created",
                "/APP/aurora/webhooks/lead_created", "/%61pp/aurora/webhooks/lead_created", "*",
                "http://127.0.0.1/app/aurora/webhooks/lead_created", "app/aurora/webhooks/lead_created",
                "//app/aurora/webhooks/lead_created"));
        return target.zip(method(), paramsQuery(null), credentials(), (t, method, query, credential) ->
                new HostileRequest("outside", method, t + query, credential, null, false));
    }

    /** Bytes that are not UTF-8 (sent as ISO-8859-1) in a value, a name, the path or a header. */
    Gen<HostileRequest> rawBytes() {
        Gen<String> bytes = lists().of(Generate.range(0x80, 0xff)).ofSizeBetween(1, 8).map(HostileRequests::codePoints);
        Gen<EventType> event = Generate.pick(events);
        return event.zip(bytes, Generate.range(0, 4), credentials(), (e, b, where, credential) -> {
            String base = WEBHOOKS + "/" + e.name() + validQuery(e);
            return switch (where) {
                case 0 -> new HostileRequest("bytes in a value", "GET", base + "&note=" + b, credential, null, true);
                case 1 -> new HostileRequest("bytes in a name", "GET", base + "&" + b + "=1", credential, null, true);
                case 2 -> new HostileRequest("bytes in a header", "GET", base, concat(credential,
                        List.of(header("X-Custom", "v" + b))), null, true);
                case 3 -> new HostileRequest("bytes in the host path", "GET", HostileServers.CONTEXT + "/orders?q=" + b,
                        credential, null, true);
                default -> new HostileRequest("bytes in a form body", "POST", base, concat(credential,
                        List.of(header("Content-Type", FORM))), "note=" + b, true);
            };
        });
    }

    /** A request line, headers and, for POST (and now and then another method), a body. */
    private record Parts(String method, String target, List<HostileRequest.Header> headers, EventType event) {
    }

    private Gen<HostileRequest> withBody(Parts p) {
        String about = about(p);
        if (!p.method().equals("POST") && !p.method().equals("PUT")) {
            return Generate.constant(new HostileRequest(about, p.method(), p.target(), p.headers(), null, false));
        }
        Gen<String> type = Generate.pick(List.of(FORM, FORM + "; charset=UTF-8", "APPLICATION/X-WWW-FORM-URLENCODED",
                "application/json", "text/plain"));
        Gen<String> body = Generate.frequency(List.of(
                Pair.of(3, Generate.constant("")),
                Pair.of(4, params(p.event()).map(HostileRequests::render)),
                Pair.of(1, Generate.pick(List.of(4097, 4200, 9000)).map(n -> "pad=" + "b".repeat(n))),
                Pair.of(1, marker().map(m -> "{\"lead_id\":\"<" + m + ">\"}"))));
        return type.zip(body, Generate.booleans(), (t, b, none) -> none && b.isEmpty()
                ? new HostileRequest(about, p.method(), p.target(), p.headers(), null, false)
                : new HostileRequest(about + ", body", p.method(), p.target(), concat(p.headers(),
                        List.of(header("Content-Type", t))), b, false));
    }

    private static String about(Parts p) {
        String path = p.target().startsWith(WEBHOOKS) ? "webhook" : "host";
        return path + (p.event() != null ? " " + p.event().name() : "");
    }

    // ---- methods and credentials

    private static Gen<String> method() {
        return Generate.frequency(List.of(
                Pair.of(12, Generate.constant("GET")),
                Pair.of(5, Generate.constant("POST")),
                Pair.of(3, Generate.constant("HEAD")),
                Pair.of(3, Generate.pick(List.of("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND",
                        "MKCOL", "PURGE", "get", "Get", "post", "FOO", "X-METHOD-" + "M".repeat(40)))),
                Pair.of(1, Generate.pick(List.of("G<T", "GE(T", "GET\u00e9", "\u0413ET", "G\u0000T", "{GET}")))));
    }

    private static Gen<String> consoleMethod() {
        return Generate.frequency(List.of(Pair.of(6, Generate.constant("GET")), Pair.of(2, Generate.constant("POST")),
                Pair.of(1, Generate.constant("HEAD")), Pair.of(1, Generate.pick(List.of("DELETE", "PUT", "get", "FOO")))));
    }

    /** The webhook credential in every shape: valid, rotated, wrong, missing, of the wrong scheme. */
    Gen<List<HostileRequest.Header>> credentials() {
        String name = secrets.tokenHeader();
        String token = secrets.tokens().get(secrets.tokens().size() - 1);
        String old = secrets.tokens().get(0);
        String basicOk = basic(secrets.basicUser(), secrets.basicPassword());
        Gen<List<HostileRequest.Header>> valid = Generate.pick(List.of(
                List.of(header(name, token)),
                List.of(header(name, old)),
                List.of(header("Authorization", basicOk)),
                List.of(header(name.toLowerCase(java.util.Locale.ROOT), token)),
                List.of(header(name, "  " + token + "\t")),
                List.of(header("Authorization", "bAsIc  " + basicOk.substring(6))),
                List.of(header(name, token + "x"), header("Authorization", basicOk))));
        Gen<List<HostileRequest.Header>> invalid = Generate.pick(List.of(
                List.of(),
                List.of(header(name, token + "x")),
                List.of(header(name, token.substring(0, token.length() - 1))),
                List.of(header(name, "Bearer " + token)),
                List.of(header(name, "")),
                List.of(header(name, token.toUpperCase(java.util.Locale.ROOT))),
                List.of(header("Authorization", basic(secrets.basicUser(), secrets.basicPassword() + "x"))),
                List.of(header("Authorization", "Basic !!not-base64")),
                List.of(header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        secrets.basicUser().getBytes(StandardCharsets.UTF_8)))),
                List.of(header("Authorization", basic(secrets.adminUser(), secrets.adminPassword()))),
                List.of(header(name, "wrong"), header(name, token)),
                List.of(header(name, token + "\u00f6")),
                List.of(header(name, token + "' OR '1'='1"))));
        return Generate.frequency(List.of(Pair.of(3, valid), Pair.of(1, invalid)));
    }

    private Gen<List<HostileRequest.Header>> extraHeaders() {
        Gen<String> name = Generate.frequency(List.of(
                Pair.of(12, Generate.pick(List.of("X-Custom", "User-Agent", "Referer", "Cookie", "X-Forwarded-For",
                        "Accept-Language", "X-Aurora-Token2"))),
                Pair.of(1, Generate.pick(List.of("X Bad", "\u00dcn\u00efcode", "", "X-<hz0>")))));
        Gen<String> value = Generate.frequency(List.of(
                Pair.of(6, hostileText()),
                Pair.of(4, unicode()),
                Pair.of(1, Generate.pick(List.of(100, 4000, 9000, 17000)).map(n -> "h".repeat(n))),
                Pair.of(1, Generate.pick(List.of("\u0001", "\u007f", "\u0000", "\u001b[2J")).map(c -> "a" + c + "b"))));
        return Generate.frequency(List.of(
                Pair.of(3, Generate.constant(List.<HostileRequest.Header>of())),
                Pair.of(2, lists().of(name.zip(value, HostileRequests::header)).ofSizeBetween(1, 2))));
    }

    // ---- queries

    /** For a known event: its template, hostile variants of it, or anything; for an unknown one, anything. */
    private Gen<String> query(EventType event) {
        if (event == null) {
            return paramsQuery(null);
        }
        Gen<String> template = Generate.constant(validQuery(event));
        return Generate.frequency(List.of(
                Pair.of(6, template),
                Pair.of(4, validWithHostileText(event)),
                Pair.of(6, paramsQuery(event)),
                Pair.of(3, template.zip(params(null), (t, extra) -> t + (extra.isEmpty() ? "" : "&" + render(extra)))),
                Pair.of(2, template.zip(Generate.pick(List.of(4030, 4100, 4097 - 5, 5000, 8100, 9000, 17000)),
                        (t, n) -> t + "&pad=" + "p".repeat(Math.max(1, n - t.length())))),
                Pair.of(1, Generate.range(60, 70).map(n -> validQuery(event) + many(n))),
                Pair.of(2, repeated(event))));
    }

    /** Every attribute of the event with a value Aurora would send. */
    private static String validQuery(EventType event) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        for (Attribute a : event.attributes()) {
            parts.add(a.parameter() + "=" + encode(goodValue(event, a, i++), Encoding.PERCENT));
        }
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    private static String goodValue(EventType event, Attribute a, int seed) {
        return switch (a.kind()) {
            case ID -> new UUID(0x1234L + seed, 0x5678L + seed).toString();
            case TEXT -> event.documentedValues(a).isEmpty() ? "Proposal sent" : event.documentedValues(a).iterator().next();
            case ATTRIBUTE_LIST -> "status,customer_email";
        };
    }

    /** The template, with its free-text attributes (status, source, …) carrying script- and SQL-looking text. */
    private Gen<String> validWithHostileText(EventType event) {
        return hostileText().zip(Generate.pick(List.of(Encoding.PERCENT, Encoding.PLUS, Encoding.MARKUP, Encoding.RAW)),
                (text, encoding) -> {
            List<String> parts = new ArrayList<>();
            int i = 0;
            for (Attribute a : event.attributes()) {
                String value = a.kind() == Attribute.Kind.TEXT ? text : goodValue(event, a, i);
                parts.add(a.parameter() + "=" + encode(value, a.kind() == Attribute.Kind.TEXT ? encoding : Encoding.PERCENT));
                i++;
            }
            parts.add("note=" + encode(text, encoding));
            return "?" + String.join("&", parts);
        });
    }

    /** An attribute given twice: with the same value (allowed), a different one, or a case variant of its name. */
    private Gen<String> repeated(EventType event) {
        if (event.attributes().isEmpty()) {
            return Generate.constant("?a=1&a=2");
        }
        Attribute first = event.attributes().get(0);
        String value = encode(goodValue(event, first, 0), Encoding.PERCENT);
        String template = validQuery(event);
        return Generate.pick(List.of(
                template + "&" + first.parameter() + "=" + value,
                template + "&" + first.parameter() + "=" + value + "x",
                template + "&" + first.parameter().toUpperCase(java.util.Locale.ROOT) + "=other",
                template + "&" + encode(first.parameter(), Encoding.PERCENT).replace("_", "%5F") + "=" + value + "y",
                template + "&&&" + first.parameter() + "=" + value + "&"));
    }

    private static String many(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("&p").append(i).append('=').append(i);
        }
        return sb.toString();
    }

    /** {@code ?} and generated parameters, or nothing at all. */
    private Gen<String> paramsQuery(EventType event) {
        return params(event).zip(Generate.booleans(), (ps, questionMark) -> ps.isEmpty() ? (questionMark ? "?" : "")
                : "?" + render(ps));
    }

    private Gen<List<Param>> params(EventType event) {
        Gen<Param> param = name(event).zip(value(event), Generate.frequency(List.of(
                Pair.of(5, Generate.constant(Encoding.PERCENT)), Pair.of(2, Generate.constant(Encoding.PLUS)),
                Pair.of(1, Generate.constant(Encoding.RAW)), Pair.of(2, Generate.constant(Encoding.BROKEN)),
                Pair.of(3, Generate.constant(Encoding.MARKUP)))), Param::new);
        return lists().of(param).ofSizeBetween(0, 6);
    }

    private static String render(List<Param> params) {
        List<String> parts = new ArrayList<>();
        for (Param p : params) {
            // A broken escape goes in the value, or now and then in the name.
            boolean brokenName = p.encoding() == Encoding.BROKEN && p.value().length() % 4 == 0;
            parts.add(encode(p.name(), p.encoding() == Encoding.BROKEN && !brokenName ? Encoding.PERCENT : p.encoding()) + "="
                    + encode(p.value(), brokenName ? Encoding.PERCENT : p.encoding()));
        }
        return String.join("&", parts);
    }

    private Gen<String> name(EventType event) {
        List<String> own = new ArrayList<>();
        if (event != null) {
            event.attributes().forEach(a -> own.add(a.parameter()));
        }
        List<String> all = new ArrayList<>();
        for (Attribute a : Attribute.values()) {
            all.add(a.parameter());
        }
        List<Pair<Integer, Gen<String>>> choices = new ArrayList<>();
        if (!own.isEmpty()) {
            choices.add(Pair.of(8, Generate.pick(own)));
        }
        choices.add(Pair.of(3, Generate.pick(all)));
        choices.add(Pair.of(2, Generate.pick(List.of("token", "session_token", "api_key", "Access_Token", "password",
                "signature", "key", "secret", "header_auth_value"))));
        choices.add(Pair.of(2, hostileText()));
        choices.add(Pair.of(2, unicode()));
        choices.add(Pair.of(1, Generate.pick(List.of("lead_id[]", "LEAD_ID", " lead_id", "lead_id ", "", "=", "a=b"))));
        return Generate.frequency(choices);
    }

    private Gen<String> value(EventType event) {
        List<Pair<Integer, Gen<String>>> choices = new ArrayList<>();
        choices.add(Pair.of(4, Generate.range(0, 1000).map(i -> new UUID(i, ~i).toString())));
        if (event != null) {
            List<String> documented = new ArrayList<>();
            event.attributes().forEach(a -> documented.addAll(event.documentedValues(a)));
            if (!documented.isEmpty()) {
                choices.add(Pair.of(2, Generate.pick(documented)));
            }
        }
        choices.add(Pair.of(3, hostileText()));
        choices.add(Pair.of(3, unicode()));
        choices.add(Pair.of(1, Generate.pick(List.of("status,customer_email", "status,,name", "status,status", "Status"))));
        choices.add(Pair.of(1, Generate.pick(List.of("\u0000", "\u0007", "\t", "\n", "\r\n", "\u001f", "\u007f", "\u0085",
                "\u2028")).map(c -> "a" + c + "b")));
        choices.add(Pair.of(1, Generate.pick(List.of(64, 65, 1024, 1025, 2000, 4090)).map(n -> "v".repeat(n))));
        choices.add(Pair.of(1, Generate.constant("")));
        return Generate.frequency(choices);
    }

    // ---- text

    static Gen<String> marker() {
        return Generate.range(0, 999_999).map(i -> "hz" + i);
    }

    /** Script-, markup- and SQL-looking text around a marker. */
    static Gen<String> hostileText() {
        return marker().zip(Generate.range(0, 15), (m, i) -> switch (i) {
            case 0 -> "<" + m + ">";
            case 1 -> "</" + m + ">";
            case 2 -> "\"" + m + "\"";
            case 3 -> "'" + m + "'";
            case 4 -> "<script>alert('" + m + "')</script>";
            case 5 -> "\"><img src=x onerror=\"" + m + "\">";
            case 6 -> "<" + m + " title=\"" + m + "\">&amp;&lt;";
            case 7 -> "'; DROP TABLE aurora_webhook_events; -- '" + m + "'";
            case 8 -> "1' OR '1'='1 \"" + m + "\"";
            case 9 -> "\" OR \"\"=\"\" <" + m + ">";
            case 10 -> "Robert'); DELETE FROM aurora_webhook_events;-- <" + m + ">";
            case 11 -> "${jndi:ldap://127.0.0.1/" + m + "} {{" + m + "}}";
            case 12 -> "</textarea></code></pre></td><" + m + ">";
            case 13 -> "javascript:alert('" + m + "')";
            case 14 -> "%3C" + m + "%3E \\u003c" + m;
            default -> "<!--" + m + "--><![CDATA[<" + m + ">]]>";
        });
    }

    /** 1 to 12 code points, mostly printable, from every plane (no lone surrogates: they are not text). */
    static Gen<String> unicode() {
        Gen<Integer> codePoint = Generate.frequency(List.of(
                Pair.of(5, Generate.range(0x20, 0x7e)),
                Pair.of(3, Generate.range(0xa0, 0xd7ff)),
                Pair.of(1, Generate.range(0xe000, 0xfffd)),
                Pair.of(2, Generate.range(0x10000, 0x10ffff)),
                Pair.of(1, Generate.range(0x80, 0x9f))));
        return lists().of(codePoint).ofSizeBetween(1, 12).map(HostileRequests::codePoints);
    }

    private static String codePoints(List<Integer> cps) {
        StringBuilder sb = new StringBuilder();
        cps.forEach(sb::appendCodePoint);
        return sb.toString();
    }

    /** Broken escapes: a lone '%', bad hex, truncated and overlong UTF-8, an encoded surrogate, beyond U+10FFFF. */
    private static final List<String> BROKEN = List.of("%", "%G1", "%4", "%E0%A4", "%FF", "%C0%AF", "%ED%A0%80",
            "%F4%90%80%80", "%%", "%u0041");

    static String encode(String text, Encoding encoding) {
        return switch (encoding) {
            case RAW -> text.replace("\r", "%0D").replace("\n", "%0A");
            case MARKUP -> markup(text);
            case PERCENT -> percent(text, false);
            case PLUS -> percent(text, true);
            case BROKEN -> {
                String encoded = percent(text, false);
                int at = Math.floorMod(text.hashCode(), encoded.length() + 1);
                // Between escapes only: splitting one would make a different fault than the one inserted.
                while (at > 0 && at < encoded.length() && (encoded.charAt(at - 1) == '%'
                        || (at > 1 && encoded.charAt(at - 2) == '%'))) {
                    at--;
                }
                yield encoded.substring(0, at) + BROKEN.get(Math.floorMod(text.length(), BROKEN.size())) + encoded.substring(at);
            }
        };
    }

    private static String markup(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case ' ' -> sb.append('+');
                case '\r', '\n' -> sb.append(percent(String.valueOf(c), false));
                case '&', '=', '#', '%', '+' -> sb.append(percent(String.valueOf(c), false));
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String percent(String text, boolean plus) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                sb.append((char) c);
            } else if (c == ' ' && plus) {
                sb.append('+');
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    /** Unknown event names: encoded Unicode and markup, SQL, case and separator variants, overlong. */
    private static Gen<String> hostileEventName() {
        Gen<String> fixed = Generate.pick(List.of("lead_deleted", "LEAD_CREATED", "lead_created/", "lead_created/extra",
                "lead_created;jsessionid=1", "lead_created%00", "%6cead_created", "lead_created%3Fx=1", "_statusX",
                "_Dashboard", "_status/", "_metrics.txt", "x".repeat(300), "lead_created%20", "%2e", "lead created",
                "lead_created<hz1>", "lead_created\"hz2\""));
        return Generate.frequency(List.of(
                Pair.of(3, fixed),
                Pair.of(2, hostileText().map(t -> percent(t, false))),
                Pair.of(2, unicode().map(t -> percent(t, false))),
                Pair.of(1, unicode())));
    }

    // ---- headers

    private static HostileRequest.Header header(String name, String value) {
        return new HostileRequest.Header(name, value);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
