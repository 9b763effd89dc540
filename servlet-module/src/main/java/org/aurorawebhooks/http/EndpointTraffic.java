package org.aurorawebhooks.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.aurorawebhooks.internal.Credentials;

/**
 * What this node's webhook endpoint answered since it started, in memory: accepted deliveries per event,
 * rejections per reason (the error code of the JSON answer: {@code unauthorized}, {@code unknown_event},
 * {@code invalid_parameter}, {@code method_not_allowed}, {@code query_too_long}, {@code store_unavailable}
 * …), and the latest {@value #LATEST} rejected requests. Rejected requests are never stored in the
 * database (they were not deliveries), so this is the only place an operator sees them; it is per node
 * and starts empty.
 *
 * <p>Bounded: the reasons are the endpoint's own codes, and each kept request holds at most
 * {@value #MAX_PATH} characters of path and {@value #MAX_QUERY} of query, whose credential-bearing
 * parameters are redacted as the stored {@code query_string} is. Thread-safe; counting is lock-free.
 */
public final class EndpointTraffic {
    /** How many rejected requests are kept. */
    public static final int LATEST = 50;
    static final int MAX_PATH = 200;
    static final int MAX_QUERY = 500;

    /** One rejected request as the console shows it: nothing a caller sent is trusted or unredacted. */
    public record RejectedRequest(Instant at, String reason, int status, String method, String path, String query) {
    }

    private final Clock clock;
    private final Instant since;
    private final Map<String, LongAdder> accepted = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final ArrayDeque<RejectedRequest> latest = new ArrayDeque<>(LATEST);

    /**
     * @param events the event names counted from the start (at zero), so that a series exists before the
     *     first delivery
     * @param reasons likewise for the rejection reasons
     */
    public EndpointTraffic(Clock clock, Collection<String> events, Collection<String> reasons) {
        this.clock = clock;
        this.since = clock.instant();
        events.forEach(e -> accepted.put(e, new LongAdder()));
        reasons.forEach(r -> rejected.put(r, new LongAdder()));
    }

    /** The reasons the endpoint gives, for callers that want every series from the start. */
    public static List<String> knownReasons() {
        return List.of("unauthorized", "unknown_event", "method_not_allowed", "malformed_query", "invalid_parameter",
                "conflicting_parameter", "too_many_parameters", "query_too_long", "body_too_large",
                "parameters_too_long", "store_unavailable", "internal_error");
    }

    /** When counting started: this node's filter start. */
    public Instant since() {
        return since;
    }

    void accepted(String event) {
        accepted.computeIfAbsent(event, e -> new LongAdder()).increment();
    }

    void rejected(String reason, int status, String method, String path, String query) {
        rejected.computeIfAbsent(reason, r -> new LongAdder()).increment();
        RejectedRequest request = new RejectedRequest(clock.instant(), reason, status, cut(method, 16),
                cut(path, MAX_PATH), query == null ? null : cut(redact(query), MAX_QUERY));
        synchronized (latest) {
            if (latest.size() == LATEST) {
                latest.removeFirst();
            }
            latest.addLast(request);
        }
    }

    /** Accepted deliveries per event, sorted by name. */
    public Map<String, Long> acceptedCounts() {
        return snapshot(accepted);
    }

    /** Rejections per reason, sorted by reason. */
    public Map<String, Long> rejectedCounts() {
        return snapshot(rejected);
    }

    /** The count of one event's accepted deliveries (0 for a name never seen): for a metrics function. */
    public long acceptedCount(String event) {
        LongAdder a = accepted.get(event);
        return a == null ? 0 : a.sum();
    }

    /** The count of one reason's rejections (0 for a reason never seen): for a metrics function. */
    public long rejectedCount(String reason) {
        LongAdder a = rejected.get(reason);
        return a == null ? 0 : a.sum();
    }

    /** The latest rejected requests, newest first. */
    public List<RejectedRequest> latestRejections() {
        List<RejectedRequest> out;
        synchronized (latest) {
            out = new ArrayList<>(latest);
        }
        java.util.Collections.reverse(out);
        return out;
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /**
     * The query with the values of credential-bearing parameters replaced by {@code REDACTED}, as the stored
     * {@code query_string} is. Lenient where the parser is strict: a rejected query may be malformed, and
     * a name that cannot be decoded is judged as written.
     */
    static String redact(String query) {
        StringBuilder sb = new StringBuilder(Math.min(query.length(), MAX_QUERY + 16));
        String[] segments = query.split("&", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (i > 0) {
                sb.append('&');
            }
            if (segment.isEmpty()) {
                continue;
            }
            int eq = segment.indexOf('=');
            String rawName = eq < 0 ? segment : segment.substring(0, eq);
            String name;
            try {
                name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                name = rawName;
            }
            sb.append(Credentials.isCredentialName(name) ? rawName + "=" + DeliveryParser.REDACTED : segment);
            if (sb.length() > MAX_QUERY) {
                break; // cut by the caller; the rest is not needed
            }
        }
        return sb.toString();
    }
}
