package org.aurorawebhooks.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.internal.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aurora's REST API, as much of it as lead sync and subscriptions need: Retrieve Lead, List Leads,
 * and list/create/update webhook subscriptions, all under {@code /tenants/{tenant_id}}.
 *
 * <p>Every attempt draws a permit from the process-wide {@link RateBudget}. A 429 waits for
 * {@code Retry-After} (at most {@link #MAX_RETRY_AFTER} at a time, holding back every caller of the
 * budget) and tries again; 5xx answers and I/O errors are retried with exponential backoff and full
 * jitter, five attempts in all, except for a {@code POST} (Create Webhook): Aurora may have created the
 * subscription before its answer failed or never came, and a second {@code POST} would make a second one,
 * so that call fails at once, saying so. Whatever happens, one call (its waits and retries included) ends within
 * {@link #MAX_CALL_DURATION}. 401/403 throw {@link AuroraAuthenticationException} at once; a refused
 * connection or an unknown host throws {@link AuroraUnreachableException} at once.
 *
 * <p>A 404 for a lead means "gone" only when the tenant exists around it: a listing sent after that 404
 * succeeds (a 404 there throws {@link AuroraUnknownTenantException}), and the lead, asked again after the
 * listing, still answers 404. So neither a mistyped tenant nor a tenant Aurora stops knowing for a while
 * makes a live lead look gone; a gone lead costs three calls. The token is sent only in the
 * {@code Authorization} header and appears in no message or log. Thread-safe; {@link #close} stops the
 * threads of its HTTP client.
 */
public final class AuroraApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuroraApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The longest one call may take, waits and retries included. Everything else about waiting derives
     * from it, and the lead sync's claim lease is a multiple of it, so a fetch always ends inside its lease.
     */
    public static final Duration MAX_CALL_DURATION = Duration.ofMinutes(5);
    /** The longest single wait for a {@code Retry-After}: a call can still be throttled five times in a row. */
    static final Duration MAX_RETRY_AFTER = MAX_CALL_DURATION.dividedBy(5);
    private static final int MAX_ATTEMPTS = 5;
    private static final long BACKOFF_BASE_MILLIS = 250;
    private static final long BACKOFF_CAP_MILLIS = 20_000;
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
    private static final Pattern SELECTOR_THREAD = Pattern.compile("HttpClient-\\d+-SelectorManager");
    /** Serializes client construction so the selector thread each one starts can be told apart. */
    private static final Object BUILD_LOCK = new Object();

    private final URI base;
    private final String tenantId;
    private final String tenantPath;
    private final String authorization;
    private final RateBudget budget;
    private final Duration requestTimeout;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DaemonThreads httpThreadFactory;
    private final ExecutorService httpThreads;
    private final Thread selectorThread;
    private volatile HttpClient http;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();

    private AuroraApi(URI base, String tenantId, String token, RateBudget budget, Duration connectTimeout,
                      Duration requestTimeout, Clock clock, Sleeper sleeper) {
        this.base = base;
        this.tenantId = tenantId;
        this.tenantPath = "/tenants/" + encode(tenantId);
        this.authorization = "Bearer " + token;
        this.budget = budget;
        this.requestTimeout = requestTimeout;
        this.clock = java.util.Objects.requireNonNull(clock, "clock == null");
        this.sleeper = java.util.Objects.requireNonNull(sleeper, "sleeper == null");
        // Java 17's HttpClient has no close(): its worker threads are ours to stop if we hand it an
        // executor, and its selector thread otherwise lives until the client is garbage collected, which
        // in a stopped webapp may be never. We find that thread when it starts and stop it in close().
        this.httpThreadFactory = DaemonThreads.named("api-http");
        this.httpThreads = Executors.newCachedThreadPool(httpThreadFactory);
        synchronized (BUILD_LOCK) {
            Set<Thread> before = selectorThreads();
            this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).executor(httpThreads)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            Set<Thread> started = selectorThreads();
            started.removeAll(before);
            this.selectorThread = started.size() == 1 ? started.iterator().next() : null;
        }
    }

    private static Set<Thread> selectorThreads() {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (SELECTOR_THREAD.matcher(t.getName()).matches()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * A client for the configured tenant. Clients for the same base URL and tenant share one budget.
     *
     * @throws IllegalStateException when tenant or token is not configured
     */
    public static AuroraApi create(Settings settings) {
        String tenant = settings.apiTenantId().orElseThrow(() -> new IllegalStateException(Key.API_TENANT_ID.key() + " is not set"));
        String token = settings.apiToken().orElseThrow(() -> new IllegalStateException(Key.API_TOKEN.key() + " is not set"));
        URI base = settings.apiBaseUrl();
        RateBudget budget = RateBudget.shared(base + "|" + tenant, settings.apiRequestsPerMinute());
        return new AuroraApi(base, tenant, token, budget, Duration.ofSeconds(5), Duration.ofSeconds(30),
                MonotonicClock.INSTANCE, Sleeper.SYSTEM);
    }

    /** A client with explicit parts (tests, the sample, benchmarks). */
    public static AuroraApi create(URI base, String tenantId, String token, RateBudget budget, Duration requestTimeout) {
        return new AuroraApi(base, tenantId, token, budget, Duration.ofSeconds(5), requestTimeout,
                MonotonicClock.INSTANCE, Sleeper.SYSTEM);
    }

    /**
     * A client on the given time: waits go through {@code sleeper} and are measured with {@code clock}, so
     * a test with a settable clock checks minutes of {@code Retry-After} without sleeping. The budget
     * should use the same clock and sleeper.
     */
    static AuroraApi create(URI base, String tenantId, String token, RateBudget budget, Duration requestTimeout,
                            Clock clock, Sleeper sleeper) {
        return new AuroraApi(base, tenantId, token, budget, Duration.ofSeconds(5), requestTimeout, clock, sleeper);
    }

    /** Calls and 429s made by this client so far. */
    public ApiStats stats() {
        return new ApiStats(calls.get(), throttled.get());
    }

    /** The budget's pace, for ETAs. */
    public int requestsPerMinute() {
        return budget.requestsPerMinute();
    }

    /**
     * Retrieve Lead. Accepts the lead as the top-level object or wrapped as {@code {"lead": {...}}}.
     *
     * @return the lead, or empty when the lead is gone: Aurora answered 404 for it, then listed the
     *     tenant's leads, then answered 404 for it again
     * @throws AuroraUnknownTenantException when the 404 is the tenant's, not the lead's
     */
    public Optional<ObjectNode> retrieveLead(String leadId) {
        String path = tenantPath + "/leads/" + encode(leadId);
        Response r = send("GET", path, null);
        if (r.status == 404) {
            // Whose 404? The tenant's, if a listing sent now answers 404 too (that throws). If the listing
            // succeeds the tenant exists now, but it may have been unknown a moment ago (a wrong tenant
            // fixed, an outage of Aurora's tenant lookup): only a second 404 after the listing is the lead's.
            // A trust window ("the tenant worked five minutes ago") would mark every lead fetched in a
            // wrong-tenant period gone although each is live.
            listLeads(1, 1);
            r = send("GET", path, null);
            if (r.status == 404) {
                return Optional.empty();
            }
        }
        requireOk(r, "GET", path);
        JsonNode body = parse(r, "GET", path);
        JsonNode lead = body.has("lead") && body.get("lead").isObject() ? body.get("lead") : body;
        if (!lead.isObject() || !lead.path("id").isTextual()) {
            throw new AuroraApiException("GET " + path + " answered JSON without a lead \"id\"");
        }
        return Optional.of((ObjectNode) lead);
    }

    /**
     * List Leads, one page ({@code page} is 1-based). Accepts {@code {"leads": [...]}} or a bare array.
     *
     * @throws AuroraUnknownTenantException when Aurora answers 404: only the tenant can be missing
     */
    public LeadPage listLeads(int page, int perPage) {
        String path = tenantPath + "/leads?page=" + page + "&per_page=" + perPage;
        Response r = send("GET", path, null);
        requireTenant(r, "GET", path);
        requireOk(r, "GET", path);
        JsonNode body = parse(r, "GET", path);
        JsonNode items = body.isArray() ? body : body.path("leads");
        if (!items.isArray()) {
            throw new AuroraApiException("GET " + path + " answered JSON without a \"leads\" array");
        }
        List<ObjectNode> leads = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            if (item.isObject()) {
                leads.add((ObjectNode) item);
            }
        }
        return new LeadPage(page, perPage, List.copyOf(leads));
    }

    /** Every webhook subscription of the tenant. */
    public List<Subscription> listWebhooks() {
        String path = tenantPath + "/webhooks";
        Response r = send("GET", path, null);
        requireTenant(r, "GET", path);
        requireOk(r, "GET", path);
        JsonNode body = parse(r, "GET", path);
        JsonNode items = body.isArray() ? body : body.path("webhooks");
        List<Subscription> out = new ArrayList<>();
        for (JsonNode item : items) {
            out.add(subscription(item));
        }
        return out;
    }

    public Subscription createWebhook(Subscription spec) {
        String path = tenantPath + "/webhooks";
        Response r = send("POST", path, webhookBody(spec));
        requireTenant(r, "POST", path);
        requireOk(r, "POST", path);
        return subscription(parse(r, "POST", path).path("webhook"));
    }

    public Subscription updateWebhook(String id, Subscription spec) {
        String path = tenantPath + "/webhooks/" + encode(id);
        Response r = send("PUT", path, webhookBody(spec));
        requireOk(r, "PUT", path);
        return subscription(parse(r, "PUT", path).path("webhook"));
    }

    /**
     * Delete Webhook.
     *
     * @return true when Aurora deleted it, false when it answered 404 (already gone)
     */
    public boolean deleteWebhook(String id) {
        String path = tenantPath + "/webhooks/" + encode(id);
        Response r = send("DELETE", path, null);
        if (r.status == 404) {
            return false;
        }
        requireOk(r, "DELETE", path);
        return true;
    }

    /**
     * Stops the HTTP client's threads; the client cannot be used afterwards. Calls in flight fail. Waits
     * for the threads to end (a stopping webapp must leave none behind).
     */
    @Override
    public void close() {
        http = null; // the client becomes unreachable: nothing can start a request on it any more
        httpThreads.shutdownNow();
        if (selectorThread != null) {
            // Its loop ends when interrupted (the JDK's own shutdown path closes the connections).
            selectorThread.interrupt();
        }
        try {
            httpThreads.awaitTermination(5, TimeUnit.SECONDS);
            httpThreadFactory.join(java.time.Duration.ofSeconds(5));
            if (selectorThread != null) {
                selectorThread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String webhookBody(Subscription s) {
        ObjectNode webhook = JSON.createObjectNode();
        webhook.put("event", s.event());
        webhook.put("url_template", s.urlTemplate());
        webhook.put("description", s.description());
        webhook.put("enabled", s.enabled());
        if (s.headerAuthKey() != null) {
            webhook.put("header_auth_key", s.headerAuthKey());
            webhook.put("header_auth_value", s.headerAuthValue());
        }
        ObjectNode root = JSON.createObjectNode();
        root.set("webhook", webhook);
        return root.toString();
    }

    private static Subscription subscription(JsonNode n) {
        return new Subscription(n.path("id").isMissingNode() || n.path("id").isNull() ? null : n.path("id").asText(),
                n.path("event").asText(), n.path("url_template").asText(), n.path("description").asText(""),
                n.path("enabled").asBoolean(true), text(n.get("header_auth_key")), text(n.get("header_auth_value")));
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private record Response(int status, String body) {
    }

    /**
     * Sends with rate budget, retries and backoff; returns the first answer that is not 429/5xx. Ends
     * within {@link #MAX_CALL_DURATION} of its start, whatever Aurora answers.
     */
    private Response send(String method, String path, String jsonBody) {
        Instant start = clock.instant();
        Instant deadline = start.plus(MAX_CALL_DURATION);
        String target = method + " " + base + path;
        int failures = 0;
        String lastProblem = "";
        while (true) {
            HttpClient client = http;
            if (client == null) {
                throw new IllegalStateException("this Aurora API client is closed");
            }
            try {
                if (!budget.acquire(deadline)) {
                    throw gaveUp(target, start, lastProblem + "the rate budget had no permit left in time");
                }
            } catch (InterruptedException e) {
                throw interrupted(target, e);
            }
            Duration remaining = Duration.between(clock.instant(), deadline);
            if (remaining.isNegative() || remaining.isZero()) {
                throw gaveUp(target, start, lastProblem + "no time left for another attempt");
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(remaining.compareTo(requestTimeout) < 0 ? remaining : requestTimeout)
                    .header("Authorization", authorization)
                    .header("Accept", "application/json");
            if (jsonBody == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
            }
            calls.incrementAndGet();
            String problem;
            try {
                HttpResponse<String> response = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status == 401 || status == 403) {
                    throw new AuroraAuthenticationException("Aurora answered " + status + " for " + method + " " + path
                            + ": check " + Key.API_TOKEN.key() + " and " + Key.API_TENANT_ID.key());
                }
                if (status == 429) {
                    throttled.incrementAndGet();
                    Duration wait = retryAfter(response.headers().firstValue("Retry-After").orElse(null), clock);
                    lastProblem = "Aurora kept answering 429 (rate limit exceeded); ";
                    if (!clock.instant().plus(wait).isBefore(deadline)) {
                        throw gaveUp(target, start, lastProblem + "Retry-After " + wait.toSeconds() + " s leaves no time");
                    }
                    budget.pauseFor(wait); // the next acquire() waits it out, and so does every other caller
                    log.debug("aurora-webhooks: 429 for {} {}; waiting {} ms", method, path, wait.toMillis());
                    continue;
                }
                if (status < 500) {
                    return new Response(status, response.body());
                }
                problem = "HTTP " + status;
            } catch (ConnectException e) {
                throw unreachable(e);
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                        + " (is " + Key.API_BASE_URL.key() + "=" + base + " right?)";
            } catch (InterruptedException e) {
                throw interrupted(target, e);
            }
            if (method.equals("POST")) {
                throw new AuroraApiException(target + " failed: " + problem + "; not retried, since Aurora may have "
                        + "done it all the same (a second POST could create a second subscription): run the command "
                        + "again, it finds what exists");
            }
            failures++;
            if (failures >= MAX_ATTEMPTS) {
                throw new AuroraApiException(target + " failed after " + failures + " attempts: " + problem);
            }
            // Full jitter: spread retries of many callers instead of synchronising them.
            long cap = Math.min(BACKOFF_CAP_MILLIS, BACKOFF_BASE_MILLIS << failures);
            Duration wait = Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
            if (clock.instant().plus(wait).isAfter(deadline)) {
                throw new AuroraApiException(target + " failed after " + failures + " attempts within "
                        + MAX_CALL_DURATION.toMinutes() + " minutes: " + problem);
            }
            log.debug("aurora-webhooks: {} failed ({}); retry {} in {} ms", target, problem, failures, wait.toMillis());
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                throw interrupted(target, e);
            }
        }
    }

    private AuroraApiException gaveUp(String target, Instant start, String why) {
        return new AuroraApiException(target + ": " + why + "; gave up after "
                + Duration.between(start, clock.instant()).toSeconds() + " s (one call never takes longer than "
                + MAX_CALL_DURATION.toMinutes() + " minutes)");
    }

    private static AuroraApiInterruptedException interrupted(String target, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new AuroraApiInterruptedException("interrupted during " + target, e);
    }

    /** A refused connection or an unknown host: a wrong base URL far more often than an outage. */
    private AuroraUnreachableException unreachable(ConnectException e) {
        boolean unknownHost = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                unknownHost = true;
            }
        }
        String why = unknownHost ? "unknown host " + base.getHost() : "connection refused";
        return new AuroraUnreachableException("cannot reach Aurora's API at " + base + " (" + Key.API_BASE_URL.key()
                + "): " + why, e);
    }

    /** A 404 on a call that only needs the tenant: the tenant id is wrong. */
    private void requireTenant(Response r, String method, String path) {
        if (r.status == 404) {
            throw new AuroraUnknownTenantException("Aurora answered 404 for " + method + " " + path + " at " + base
                    + ": it does not know the tenant \"" + tenantId + "\"; check " + Key.API_TENANT_ID.key());
        }
    }

    /** The wait a {@code Retry-After} asks for (seconds or an HTTP date), never more than {@link #MAX_RETRY_AFTER}. */
    static Duration retryAfter(String header, Clock clock) {
        Duration asked = DEFAULT_RETRY_AFTER;
        if (header != null && !header.isBlank()) {
            try {
                asked = Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
            } catch (NumberFormatException e) {
                try {
                    ZonedDateTime when = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration until = Duration.between(clock.instant(), when.toInstant());
                    asked = until.isNegative() ? Duration.ZERO : until;
                } catch (DateTimeParseException e2) {
                    asked = DEFAULT_RETRY_AFTER;
                }
            }
        }
        return asked.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked;
    }

    private static void requireOk(Response r, String method, String path) {
        if (r.status < 200 || r.status >= 300) {
            String body = r.body == null ? "" : r.body.length() > 200 ? r.body.substring(0, 200) + "..." : r.body;
            throw new AuroraApiException("Aurora answered " + r.status + " for " + method + " " + path
                    + (body.isBlank() ? "" : ": " + body.replaceAll("\\s+", " ")));
        }
    }

    private static JsonNode parse(Response r, String method, String path) {
        try {
            return JSON.readTree(r.body);
        } catch (JsonProcessingException e) {
            throw new AuroraApiException("Aurora answered malformed JSON for " + method + " " + path + ": "
                    + e.getOriginalMessage());
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
