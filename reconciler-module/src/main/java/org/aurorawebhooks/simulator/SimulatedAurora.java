package org.aurorawebhooks.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.internal.Credentials;
import org.aurorawebhooks.internal.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for Aurora that speaks real HTTP on a loopback port: Retrieve Lead, List Leads and the
 * webhook subscription endpoints under {@code /tenants/{tenant_id}}, bearer-token checking, its own
 * rate limit answering 429 with {@code Retry-After}, and webhook firing at the subscribed
 * {@code url_template}s (optionally dropping a share of them, as a flaky network would). Any of the 26
 * events of the catalogue can be fired, with generated values ({@link #eventValues}). Every firing is
 * logged (event, URL with credentials masked, answer status, time taken; or why it failed, or that it
 * was dropped) and kept among the {@linkplain #recentFirings() recent firings}. Faults can be injected
 * per instance: one at a time ({@link #failNext}, {@link #throttleNext} ...), at random while
 * {@linkplain #chaos(Chaos) chaos} is on, or a period in which the tenant is {@linkplain #tenantUnknown
 * unknown}. Every API request is {@linkplain #apiRequests() recorded} with its arrival, its API key and
 * what it met, so a test can count what a client sent per rate window. For tests, the sample webapp's
 * demo mode, benchmarks and {@code simulate}. Thread-safe.
 */
public final class SimulatedAurora implements AutoCloseable {
    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm and
        // delayed ACKs add 40 ms to every answer. Read once, when the JDK's server classes load.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(SimulatedAurora.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How many firings {@link #recentFirings()} keeps. */
    static final int RECENT_FIRINGS = 200;
    private static final String ADMIN = "/_simulator";
    private static final Pattern LEAD_PATH = Pattern.compile("/tenants/([^/]+)/leads/([^/]+)");
    private static final Pattern LEADS_PATH = Pattern.compile("/tenants/([^/]+)/leads");
    private static final Pattern WEBHOOKS_PATH = Pattern.compile("/tenants/([^/]+)/webhooks(?:/([^/]+))?");

    /** How the simulator behaves. */
    public record Options(int port, String tenantId, String token, int requestsPerMinute, boolean wrapRetrieveLead,
                          double dropShare, long seed, boolean autoFire) {
        public Options {
            checkShare(dropShare);
        }

        public static Options defaults() {
            return new Options(0, "tenant-" + UUID.randomUUID().toString().substring(0, 8),
                    "sim-" + UUID.randomUUID(), 90, false, 0.0, 42, true);
        }

        public Options withPort(int p) {
            return new Options(p, tenantId, token, requestsPerMinute, wrapRetrieveLead, dropShare, seed, autoFire);
        }

        public Options withRequestsPerMinute(int rpm) {
            return new Options(port, tenantId, token, rpm, wrapRetrieveLead, dropShare, seed, autoFire);
        }

        public Options withWrappedRetrieveLead(boolean wrap) {
            return new Options(port, tenantId, token, requestsPerMinute, wrap, dropShare, seed, autoFire);
        }

        public Options withDropShare(double share) {
            return new Options(port, tenantId, token, requestsPerMinute, wrapRetrieveLead, share, seed, autoFire);
        }

        public Options withAutoFire(boolean fire) {
            return new Options(port, tenantId, token, requestsPerMinute, wrapRetrieveLead, dropShare, seed, fire);
        }

        /** The seed of every generated value and drop decision: the same seed, the same run. */
        public Options withSeed(long s) {
            return new Options(port, tenantId, token, requestsPerMinute, wrapRetrieveLead, dropShare, s, autoFire);
        }

        public Options withCredentials(String tenant, String bearer) {
            return new Options(port, tenant, bearer, requestsPerMinute, wrapRetrieveLead, dropShare, seed, autoFire);
        }
    }

    private final Options options;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient webhookClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Clock clock = Clock.systemUTC();
    private final Random random;
    private final Map<String, SimulatedLead> leads = new ConcurrentHashMap<>();
    private volatile List<SimulatedLead> listing;
    private final Map<String, ObjectNode> webhooks = new ConcurrentHashMap<>();
    private final AtomicInteger webhookIds = new AtomicInteger();
    private final ArrayDeque<Long> window = new ArrayDeque<>();
    private final Set<String> forcedNotFound = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failingLeads = new ConcurrentHashMap<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile int failStatus = 503;
    private final AtomicInteger malformedNext = new AtomicInteger();
    private final AtomicInteger throttleNext = new AtomicInteger();
    private volatile long delayMillis;
    private volatile double dropShare;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong retrieveCalls = new AtomicLong();
    private final AtomicLong listCalls = new AtomicLong();
    private final AtomicLong fired = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ArrayDeque<WebhookFiring> recent = new ArrayDeque<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger maxConcurrentSamePath = new AtomicInteger();
    /** {@code "Bearer <token>"} to the label its requests are recorded under. */
    private final Map<String, String> keys = new ConcurrentHashMap<>();
    private volatile Chaos chaos;
    /** Guarded by itself; replaced (under the lock) when chaos starts, so each seed starts its own sequence. */
    private final Object chaosLock = new Object();
    private Random chaosRandom;
    private volatile boolean tenantUnknown;
    /**
     * Every API request in order of arrival, at most {@link #MAX_RECORDED_REQUESTS}; entered when it arrives
     * and completed as it is answered. Guarded by itself.
     */
    private final ArrayDeque<Call> apiLog = new ArrayDeque<>();
    /** The API request the current thread is answering, so that {@link #send} can apply its fault and record its status. */
    private static final ThreadLocal<Call> CURRENT = new ThreadLocal<>();
    /** A bound on {@link #apiRequests()}: days of a busy {@code simulate} session, in a few hundred MB at most. */
    static final int MAX_RECORDED_REQUESTS = 1_000_000;

    private SimulatedAurora(Options options) throws IOException {
        this.options = options;
        this.random = new Random(options.seed());
        this.dropShare = options.dropShare();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 128);
        // A thread per request in flight: a hung or slow answer must not queue the requests behind it, which
        // would make them arrive (and be counted) late.
        this.executor = Executors.newCachedThreadPool(DaemonThreads.named("simulator"));
        keys.put("Bearer " + options.token(), "primary");
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public static SimulatedAurora start(Options options) throws IOException {
        SimulatedAurora aurora = new SimulatedAurora(options);
        aurora.server.start();
        return aurora;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String tenantId() {
        return options.tenantId();
    }

    public String token() {
        return options.token();
    }

    // ---- leads -----------------------------------------------------------------------------------

    /** Creates a lead; fires {@code lead_created} when auto-fire is on. */
    public String createLead() {
        String id = UUID.randomUUID().toString();
        SimulatedLead lead;
        synchronized (random) {
            lead = SimulatedLead.random(id, random, clock.instant());
        }
        leads.put(id, lead);
        listing = null;
        if (options.autoFire()) {
            fire("lead_created", Map.of("lead_id", id, "source", "api"));
        }
        return id;
    }

    /** Creates {@code n} leads at once without firing anything (benchmarks, big tenants). */
    public void seedLeads(int n) {
        java.time.Instant now = clock.instant().minus(Duration.ofDays(30));
        synchronized (random) {
            for (int i = 0; i < n; i++) {
                String id = UUID.randomUUID().toString();
                leads.put(id, SimulatedLead.random(id, random, now.plusMillis(i)));
            }
        }
        listing = null;
    }

    /** Changes a lead's customer data and {@code updated_at}; fires {@code lead_changed} when auto-fire is on. */
    public void changeLead(String id) {
        synchronized (random) {
            leads.computeIfPresent(id, (k, lead) -> lead.changed(random, clock.instant()));
        }
        listing = null;
        if (options.autoFire()) {
            fire("lead_changed", Map.of("lead_id", id));
        }
    }

    /**
     * Deletes a lead: Retrieve Lead then answers 404 and List Leads no longer shows it.
     *
     * @return false when there was no such lead
     */
    public boolean deleteLead(String id) {
        boolean existed = leads.remove(id) != null;
        listing = null;
        return existed;
    }

    /** The lead's Retrieve Lead JSON, or null. */
    public ObjectNode lead(String id) {
        SimulatedLead lead = leads.get(id);
        return lead == null ? null : lead.toJson(JSON);
    }

    public List<String> leadIds() {
        return List.copyOf(leads.keySet());
    }

    public int leadCount() {
        return leads.size();
    }

    // ---- webhooks --------------------------------------------------------------------------------

    /** The subscriptions as Aurora would list them. */
    public List<ObjectNode> subscriptions() {
        List<ObjectNode> out = new ArrayList<>(webhooks.values());
        out.sort(Comparator.comparing(n -> Integer.parseInt(n.get("id").asText())));
        return out;
    }

    /**
     * Realistic values for any event of the catalogue, one per attribute of its suggested template:
     * UUIDs for ids, a documented value where Aurora documents them; then {@code overrides} on top.
     *
     * @throws IllegalArgumentException when the event is not one of the 26, or an override is not one
     *     of its attributes (the message names it and lists the expected ones)
     */
    public Map<String, String> eventValues(String event, Map<String, String> overrides) {
        synchronized (random) {
            return EventValues.generate(event, overrides, random);
        }
    }

    /**
     * Fires {@code event} at every enabled subscription for it, substituting {@code <PLACEHOLDER>}s with
     * the values ({@code <LEAD_ID>} from {@code lead_id}; {@code <DESIGN_REQUEST_ID_IN_AURORA>} from
     * {@code design_request_id}) and sending the subscription's header auth (or the basic auth of a
     * {@code user:password@} in its URL). A share of the firings is dropped ({@link #dropShare(double)}).
     * Each firing is logged.
     *
     * @return what became of each firing, one per subscription for the event (none when nothing is
     *     subscribed to it, which is logged too)
     */
    public List<WebhookFiring> fireWebhooks(String event, Map<String, String> values) {
        List<WebhookFiring> out = new ArrayList<>();
        for (ObjectNode sub : subscriptions()) {
            if (!event.equals(sub.path("event").asText()) || !sub.path("enabled").asBoolean(true)) {
                continue;
            }
            String template = sub.path("url_template").asText();
            boolean drop;
            synchronized (random) {
                drop = random.nextDouble() < dropShare;
            }
            if (drop) {
                dropped.incrementAndGet();
                out.add(record(new WebhookFiring(event, Credentials.maskUrl(WebhookDelivery.expand(template, values)),
                        WebhookFiring.Outcome.DROPPED, 0, Duration.ZERO, null)));
                continue;
            }
            out.add(send(event, template, values,
                    sub.hasNonNull("header_auth_key") ? sub.get("header_auth_key").asText() : null,
                    sub.hasNonNull("header_auth_value") ? sub.get("header_auth_value").asText() : null));
        }
        if (out.isEmpty()) {
            log.info("webhook {}: no enabled subscription for it, nothing sent", event);
        }
        return out;
    }

    /**
     * Fires {@code event} as {@link #fireWebhooks} does.
     *
     * @return the HTTP status of each delivery sent, -1 for one that got no answer (dropped ones are
     *     counted, not sent)
     */
    public List<Integer> fire(String event, Map<String, String> values) {
        List<Integer> statuses = new ArrayList<>();
        for (WebhookFiring f : fireWebhooks(event, values)) {
            if (f.outcome() != WebhookFiring.Outcome.DROPPED) {
                statuses.add(f.outcome() == WebhookFiring.Outcome.ANSWERED ? f.status() : -1);
            }
        }
        return statuses;
    }

    /** Sends one delivery built from a URL template; returns the status, or -1 when it could not be sent. */
    public int deliver(String urlTemplate, Map<String, String> values, String headerName, String headerValue) {
        WebhookFiring f = send(eventOf(urlTemplate), urlTemplate, values, headerName, headerValue);
        return f.outcome() == WebhookFiring.Outcome.ANSWERED ? f.status() : -1;
    }

    private WebhookFiring send(String event, String urlTemplate, Map<String, String> values, String headerName,
                               String headerValue) {
        String url = WebhookDelivery.expand(urlTemplate, values);
        String masked = Credentials.maskUrl(url);
        fired.incrementAndGet();
        long start = System.nanoTime();
        try {
            HttpRequest request = WebhookDelivery.request(url, headerName, headerValue, Duration.ofSeconds(10));
            int status = webhookClient.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return record(new WebhookFiring(event, masked, WebhookFiring.Outcome.ANSWERED, status, since(start), null));
        } catch (IOException | IllegalArgumentException e) {
            failed.incrementAndGet();
            return record(new WebhookFiring(event, masked, WebhookFiring.Outcome.FAILED, 0, since(start), reason(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.incrementAndGet();
            return record(new WebhookFiring(event, masked, WebhookFiring.Outcome.FAILED, 0, since(start), "interrupted"));
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** "connection refused" says more than the JDK's empty ConnectException message. */
    private static String reason(Exception e) {
        String type = e.getClass().getSimpleName();
        if (e instanceof java.net.ConnectException) {
            return "connection refused (" + type + ")";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within 10 s (" + type + ")";
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? type : type + ": " + e.getMessage();
    }

    private WebhookFiring record(WebhookFiring firing) {
        if (firing.outcome() == WebhookFiring.Outcome.FAILED) {
            log.warn(firing.describe());
        } else {
            log.info(firing.describe());
        }
        synchronized (recent) {
            if (recent.size() == RECENT_FIRINGS) {
                recent.removeFirst();
            }
            recent.addLast(firing);
        }
        return firing;
    }

    /** The last path segment before the query: the event name in the templates the filter parses. */
    private static String eventOf(String urlTemplate) {
        String path = urlTemplate.split("\\?", 2)[0];
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * Changes the share of firings dropped from now on.
     *
     * @throws IllegalArgumentException when {@code share} is not between 0.0 and 1.0
     */
    public void dropShare(double share) {
        checkShare(share);
        this.dropShare = share;
    }

    /** The share of firings dropped, 0.0 to 1.0. */
    public double dropShare() {
        return dropShare;
    }

    static void checkShare(double share) {
        if (!(share >= 0.0 && share <= 1.0)) {
            throw new IllegalArgumentException("drop share " + share + " is not between 0.0 (drop none) and 1.0 (drop all)");
        }
    }

    // ---- faults ----------------------------------------------------------------------------------

    /** The next {@code n} API requests answer {@code status} (a 5xx, usually). */
    public void failNext(int n, int status) {
        failStatus = status;
        failNext.set(n);
    }

    /** The next {@code n} API requests answer 200 with a body that is not JSON. */
    public void malformedNext(int n) {
        malformedNext.set(n);
    }

    /** The next {@code n} API requests answer 429 with {@code Retry-After: 1}. */
    public void throttleNext(int n) {
        throttleNext.set(n);
    }

    /** Every API answer is delayed by this much. */
    public void delay(long millis) {
        delayMillis = millis;
    }

    /**
     * Turns random faults on for every API request from now on (see {@link Chaos}), or off with null.
     * Each call with a chaos starts the sequence of its seed anew. Logged with the seed, so a failing run
     * can be repeated with it.
     */
    public void chaos(Chaos c) {
        synchronized (chaosLock) {
            chaosRandom = c == null ? null : new Random(c.seed());
            chaos = c;
        }
        if (c == null) {
            log.info("chaos off: every API request answered as asked");
        } else {
            log.info("chaos on, seed {}: {}", c.seed(), c);
        }
    }

    /**
     * While true, every tenant-scoped call answers 404 {@code unknown tenant}, as Aurora does for a tenant id
     * it does not know: the configured tenant has become the wrong one. Nothing else changes.
     */
    public void tenantUnknown(boolean unknown) {
        tenantUnknown = unknown;
        log.info(unknown ? "tenant {} is unknown from now on: tenant-scoped calls answer 404"
                : "tenant {} is known again", options.tenantId());
    }

    /**
     * Accepts another API key of the same tenant, as Aurora does for each user's key; its requests are
     * recorded under {@code label} (the token itself is never recorded or logged).
     */
    public void acceptToken(String label, String token) {
        if (label.equals("primary") || label.equals("unauthorized")) {
            throw new IllegalArgumentException("the label \"" + label + "\" is taken");
        }
        keys.put("Bearer " + token, label);
    }

    /** Retrieve Lead answers 404 for this lead although it exists. */
    void forceNotFound(String leadId) {
        forcedNotFound.add(leadId);
    }

    /** Retrieve Lead answers {@code status} for this lead, every time. */
    public void failLead(String leadId, int status) {
        failingLeads.put(leadId, status);
    }

    // ---- counters --------------------------------------------------------------------------------

    /** API requests received (429s included). */
    public long requests() {
        return requests.get();
    }

    public long throttledAnswers() {
        return throttled.get();
    }

    public long retrieveLeadCalls() {
        return retrieveCalls.get();
    }

    public long listLeadsCalls() {
        return listCalls.get();
    }

    /**
     * The most requests ever in flight at once for one path, e.g. one lead's Retrieve Lead: proves that
     * two sync workers never fetched the same lead at the same time.
     */
    public int maxConcurrentSamePath() {
        return maxConcurrentSamePath.get();
    }

    /** Webhook deliveries sent (answered or failed; dropped ones are not sent). */
    long firedWebhooks() {
        return fired.get();
    }

    /** Webhook firings dropped by the drop share. */
    public long droppedWebhooks() {
        return dropped.get();
    }

    /** Webhook deliveries sent that got no answer (connection refused, timeout). */
    long failedWebhooks() {
        return failed.get();
    }

    /**
     * Every API request received so far (up to a million, then the latest), in order of arrival. One still
     * being answered has status 0.
     */
    public List<ApiRequest> apiRequests() {
        synchronized (apiLog) {
            return apiLog.stream().map(Call::record).toList();
        }
    }

    /** The last firings (up to 200), oldest first. */
    public List<WebhookFiring> recentFirings() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    // ---- HTTP ------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        if (ex.getRequestURI().getRawPath().startsWith(ADMIN)) {
            try (ex) {
                admin(ex);
            }
            return;
        }
        Call call = arrived(ex);
        CURRENT.set(call);
        try (ex) {
            requests.incrementAndGet();
            String key = keys.get(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            if (key == null) {
                send(ex, 401, "{\"error\":\"unauthorized\"}");
                return;
            }
            call.key = key;
            long retryAfter = rateLimit();
            boolean forced = retryAfter == 0 && decrement(throttleNext);
            if (retryAfter > 0 || forced) {
                throttled.incrementAndGet();
                call.fault = forced ? ApiRequest.Fault.THROTTLED : ApiRequest.Fault.RATE_LIMITED;
                ex.getResponseHeaders().set("Retry-After", String.valueOf(Math.max(1, retryAfter)));
                send(ex, 429, "{\"error\":\"rate limit exceeded\"}");
                return;
            }
            Chaos.Draw draw = drawChaos();
            switch (draw.fault()) {
                case THROTTLED -> {
                    throttled.incrementAndGet();
                    call.fault = draw.fault();
                    ex.getResponseHeaders().set("Retry-After", String.valueOf(draw.millis() / 1000));
                    send(ex, 429, "{\"error\":\"rate limit exceeded\"}");
                    return;
                }
                case SERVER_ERROR -> {
                    call.fault = draw.fault();
                    send(ex, draw.status(), "{\"error\":\"simulated failure\"}");
                    return;
                }
                default -> call.delivery = draw; // applied by send(), once the request has been handled
            }
            if (decrement(failNext)) {
                call.fault = ApiRequest.Fault.SERVER_ERROR;
                send(ex, failStatus, "{\"error\":\"simulated failure\"}");
                return;
            }
            if (decrement(malformedNext)) {
                call.fault = ApiRequest.Fault.MALFORMED;
                send(ex, 200, "{\"id\": \"truncated");
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            int concurrent = inFlight.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            maxConcurrentSamePath.accumulateAndGet(concurrent, Math::max);
            try {
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                route(ex);
            } finally {
                inFlight.get(path).decrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            send(ex, 500, "{\"error\":" + JSON.writeValueAsString(String.valueOf(e.getMessage())) + "}");
        } finally {
            CURRENT.remove();
        }
    }

    /** Records an API request as it arrives: the log is in order of arrival, whenever each is answered. */
    private Call arrived(HttpExchange ex) {
        synchronized (apiLog) {
            Call call = new Call(System.nanoTime(), ex.getRequestMethod(), ex.getRequestURI().getRawPath());
            if (apiLog.size() == MAX_RECORDED_REQUESTS) {
                apiLog.removeFirst();
            }
            apiLog.addLast(call);
            return call;
        }
    }

    private Chaos.Draw drawChaos() {
        synchronized (chaosLock) {
            Chaos c = chaos;
            return c == null ? Chaos.Draw.NONE : c.draw(chaosRandom);
        }
    }

    /** An API request: recorded when it arrives, filled in by the thread answering it as it goes. */
    private static final class Call {
        final long arrivedNanos;
        final String method;
        final String path;
        volatile String key = "unauthorized";
        volatile int status;
        volatile ApiRequest.Fault fault = ApiRequest.Fault.NONE;
        /** A fault that applies to the answer (hang, slow, malformed), or NONE; only the answering thread reads it. */
        Chaos.Draw delivery = Chaos.Draw.NONE;

        Call(long arrivedNanos, String method, String path) {
            this.arrivedNanos = arrivedNanos;
            this.method = method;
            this.path = path;
        }

        ApiRequest record() {
            return new ApiRequest(arrivedNanos, key, method, path, status, fault);
        }
    }

    /**
     * The simulator's own controls (not Aurora's API, no token: it listens on loopback only), so a
     * developer running {@code simulate} can make things happen:
     * <ul>
     *   <li>{@code POST /_simulator/leads} creates a lead (fires {@code lead_created}),
     *       {@code POST /_simulator/leads/{id}/change} changes it (fires {@code lead_changed}),
     *       {@code DELETE /_simulator/leads/{id}} deletes it (404 when there is no such lead);</li>
     *   <li>{@code POST /_simulator/fire/{event}?name=value…} fires any of the 26 events with generated
     *       values, the query's attributes overriding them;</li>
     *   <li>{@code GET|PUT /_simulator/drop-share} reads or sets (body {@code 0.2}) the share of firings
     *       dropped;</li>
     *   <li>{@code GET /_simulator/firings} lists the recent firings and the counters.</li>
     * </ul>
     */
    private void admin(HttpExchange ex) throws IOException {
        String rest = ex.getRequestURI().getRawPath().substring(ADMIN.length());
        String method = ex.getRequestMethod();
        if (rest.equals("/leads") && method.equals("POST")) {
            send(ex, 201, "{\"id\":\"" + createLead() + "\"}");
        } else if (rest.matches("/leads/[^/]+/change") && method.equals("POST")) {
            String id = rest.substring("/leads/".length(), rest.length() - "/change".length());
            if (!leads.containsKey(id)) {
                send(ex, 404, error("no lead " + id));
                return;
            }
            changeLead(id);
            send(ex, 200, lead(id).toString());
        } else if (rest.matches("/leads/[^/]+") && method.equals("DELETE")) {
            String id = URLDecoder.decode(rest.substring("/leads/".length()), StandardCharsets.UTF_8);
            if (deleteLead(id)) {
                send(ex, 204, "");
            } else {
                send(ex, 404, error("no lead " + id));
            }
        } else if (rest.matches("/fire/[^/]+") && method.equals("POST")) {
            fireControl(ex, URLDecoder.decode(rest.substring("/fire/".length()), StandardCharsets.UTF_8));
        } else if (rest.equals("/drop-share") && (method.equals("GET") || method.equals("PUT"))) {
            dropShareControl(ex, method);
        } else if (rest.equals("/firings") && method.equals("GET")) {
            ObjectNode body = JSON.createObjectNode();
            body.put("fired", firedWebhooks()).put("dropped", droppedWebhooks()).put("failed", failedWebhooks())
                    .put("drop_share", dropShare);
            ArrayNode list = body.putArray("firings");
            recentFirings().forEach(f -> list.add(toJson(f)));
            send(ex, 200, body.toString());
        } else {
            send(ex, 404, error("simulator controls: POST /_simulator/leads, POST /_simulator/leads/{id}/change, "
                    + "DELETE /_simulator/leads/{id}, POST /_simulator/fire/{event}?name=value, "
                    + "GET|PUT /_simulator/drop-share, GET /_simulator/firings"));
        }
    }

    private void fireControl(HttpExchange ex, String event) throws IOException {
        if (EventCatalog.aurora().find(event).isEmpty()) {
            send(ex, 404, error("\"" + event + "\" is not an Aurora event; expected one of " + EventCatalog.aurora().names()));
            return;
        }
        Map<String, String> values;
        try {
            values = eventValues(event, new LinkedHashMap<>(query(ex.getRequestURI().getRawQuery())));
        } catch (IllegalArgumentException e) {
            send(ex, 400, error(e.getMessage()));
            return;
        }
        List<WebhookFiring> firings = fireWebhooks(event, values);
        ObjectNode body = JSON.createObjectNode();
        body.put("event", event);
        ObjectNode v = body.putObject("values");
        values.forEach(v::put);
        ArrayNode list = body.putArray("firings");
        firings.forEach(f -> list.add(toJson(f)));
        send(ex, 200, body.toString());
    }

    private void dropShareControl(HttpExchange ex, String method) throws IOException {
        if (method.equals("PUT")) {
            String text = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).trim();
            try {
                dropShare(Double.parseDouble(text));
            } catch (IllegalArgumentException e) { // NumberFormatException included
                send(ex, 400, error("drop share: \"" + text + "\" is not a number between 0.0 (drop none) and 1.0 (drop all)"));
                return;
            }
            log.info("webhook drop share set to {}", dropShare);
        }
        send(ex, 200, "{\"drop_share\":" + dropShare + "}");
    }

    private static ObjectNode toJson(WebhookFiring f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("event", f.event()).put("url", f.url()).put("outcome", f.outcome().name().toLowerCase(Locale.ROOT));
        if (f.outcome() == WebhookFiring.Outcome.ANSWERED) {
            n.put("status", f.status());
        }
        if (f.outcome() != WebhookFiring.Outcome.DROPPED) {
            n.put("millis", f.took().toMillis());
        }
        if (f.error() != null) {
            n.put("error", f.error());
        }
        return n;
    }

    private static String error(String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", message);
        return n.toString();
    }

    private static boolean decrement(AtomicInteger counter) {
        return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** Sliding one-minute window; returns seconds to wait, or 0 when the request may pass. */
    private long rateLimit() {
        long now = System.currentTimeMillis();
        synchronized (window) {
            while (!window.isEmpty() && window.peekFirst() <= now - 60_000) {
                window.pollFirst();
            }
            if (window.size() >= options.requestsPerMinute()) {
                return Math.max(1, (window.peekFirst() + 60_000 - now + 999) / 1000);
            }
            window.addLast(now);
            return 0;
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod();
        Matcher m;
        if ((m = LEAD_PATH.matcher(path)).matches() && method.equals("GET")) {
            if (tenantOk(ex, m.group(1))) {
                retrieveLead(ex, URLDecoder.decode(m.group(2), StandardCharsets.UTF_8));
            }
        } else if ((m = LEADS_PATH.matcher(path)).matches() && method.equals("GET")) {
            if (tenantOk(ex, m.group(1))) {
                listLeads(ex, query(ex.getRequestURI().getRawQuery()));
            }
        } else if ((m = WEBHOOKS_PATH.matcher(path)).matches()) {
            if (tenantOk(ex, m.group(1))) {
                webhooks(ex, method, m.group(2));
            }
        } else {
            send(ex, 404, "{\"error\":\"not found\"}");
        }
    }

    private boolean tenantOk(HttpExchange ex, String tenant) throws IOException {
        boolean unknown = tenantUnknown;
        if (!unknown && options.tenantId().equals(URLDecoder.decode(tenant, StandardCharsets.UTF_8))) {
            return true;
        }
        Call call = CURRENT.get();
        if (unknown && call != null) {
            call.fault = ApiRequest.Fault.UNKNOWN_TENANT;
        }
        send(ex, 404, "{\"error\":\"unknown tenant\"}");
        return false;
    }

    private void retrieveLead(HttpExchange ex, String id) throws IOException {
        retrieveCalls.incrementAndGet();
        Integer failure = failingLeads.get(id);
        if (failure != null) {
            send(ex, failure, "{\"error\":\"simulated failure for this lead\"}");
            return;
        }
        SimulatedLead lead = forcedNotFound.contains(id) ? null : leads.get(id);
        if (lead == null) {
            send(ex, 404, "{\"error\":\"lead not found\"}");
            return;
        }
        ObjectNode json = lead.toJson(JSON);
        if (options.wrapRetrieveLead()) {
            ObjectNode wrapped = JSON.createObjectNode();
            wrapped.set("lead", json);
            json = wrapped;
        }
        send(ex, 200, json.toString());
    }

    /** Newest change first, then by id: the order a client can rely on page after page. */
    private void listLeads(HttpExchange ex, Map<String, String> query) throws IOException {
        listCalls.incrementAndGet();
        int page = intParam(query, "page", 1);
        int perPage = Math.min(100, intParam(query, "per_page", 25));
        if (page < 1 || perPage < 1) {
            send(ex, 400, "{\"error\":\"page and per_page must be positive\"}");
            return;
        }
        List<SimulatedLead> sorted = listing;
        if (sorted == null) {
            sorted = new ArrayList<>(leads.values());
            sorted.sort(Comparator.comparing(SimulatedLead::updatedAt).reversed().thenComparing(SimulatedLead::id));
            listing = sorted;
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("leads");
        int from = (int) Math.min((long) (page - 1) * perPage, sorted.size());
        int to = Math.min(from + perPage, sorted.size());
        for (SimulatedLead lead : sorted.subList(from, to)) {
            items.add(lead.toJson(JSON));
        }
        send(ex, 200, body.toString());
    }

    private void webhooks(HttpExchange ex, String method, String id) throws IOException {
        if (method.equals("GET") && id == null) {
            ObjectNode body = JSON.createObjectNode();
            body.putArray("webhooks").addAll(subscriptions());
            send(ex, 200, body.toString());
            return;
        }
        if (method.equals("DELETE") && id != null) {
            // Aurora's Delete Webhook: 204 when it existed, 404 when not.
            if (webhooks.remove(id) == null) {
                send(ex, 404, "{\"error\":\"webhook not found\"}");
            } else {
                send(ex, 204, "");
            }
            return;
        }
        if (!(method.equals("POST") && id == null) && !(method.equals("PUT") && id != null)) {
            send(ex, 405, "{\"error\":\"method not allowed\"}");
            return;
        }
        JsonNode spec = JSON.readTree(ex.getRequestBody()).path("webhook");
        if (!spec.path("event").isTextual() || !spec.path("url_template").isTextual()) {
            send(ex, 422, "{\"error\":\"webhook.event and webhook.url_template are required\"}");
            return;
        }
        String key = id == null ? String.valueOf(webhookIds.incrementAndGet()) : id;
        if (id != null && !webhooks.containsKey(id)) {
            send(ex, 404, "{\"error\":\"webhook not found\"}");
            return;
        }
        ObjectNode stored = ((ObjectNode) spec).deepCopy();
        stored.put("id", key);
        if (!stored.has("enabled")) {
            stored.put("enabled", true);
        }
        webhooks.put(key, stored);
        ObjectNode body = JSON.createObjectNode();
        body.set("webhook", stored);
        send(ex, id == null ? 201 : 200, body.toString());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static int intParam(Map<String, String> query, String name, int fallback) {
        try {
            return query.containsKey(name) ? Integer.parseInt(query.get(name)) : fallback;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Writes the answer. For an API request under chaos, this is where a hang, a slow answer or a
     * malformed one happens: after the request was handled, as when a real answer is lost or cut.
     */
    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Call call = CURRENT.get();
        boolean hang = false;
        if (call != null) {
            Chaos.Draw delivery = call.delivery;
            switch (delivery.fault()) {
                case HANG, SLOW -> {
                    hang = delivery.fault() == ApiRequest.Fault.HANG;
                    call.fault = delivery.fault();
                    try {
                        Thread.sleep(delivery.millis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return; // the simulator is stopping: no answer at all
                    }
                }
                case MALFORMED -> {
                    if (status / 100 == 2 && bytes.length > 1) {
                        call.fault = delivery.fault();
                        bytes = java.util.Arrays.copyOf(bytes, bytes.length / 2);
                    }
                }
                default -> {
                    // answered as asked
                }
            }
            call.status = status;
        }
        ex.getResponseHeaders().set("Content-Type", "application/json");
        try {
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            if (!hang) {
                throw e;
            }
            // the client gave up waiting long ago and closed the connection: that is what a hang is
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
