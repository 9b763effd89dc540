package org.aurorawebhooks.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.aurorawebhooks.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aurora's REST API, as much of it as lead sync and subscriptions need: Retrieve Lead, List Leads,
 * and list/create/update webhook subscriptions, all under {@code /tenants/{tenant_id}}.
 *
 * <p>Every attempt draws a permit from the process-wide {@link RateBudget}. A 429 waits for
 * {@code Retry-After} (holding back every caller of the budget) and tries again, for up to ten minutes
 * in all; 5xx answers and I/O errors are retried with exponential backoff and full jitter, five
 * attempts in all; 401/403 throw {@link AuroraAuthenticationException} at once. The token is sent
 * only in the {@code Authorization} header and appears in no message or log. Thread-safe.
 */
public final class AuroraApi {
    private static final Logger log = LoggerFactory.getLogger(AuroraApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ATTEMPTS = 5;
    private static final long BACKOFF_BASE_MILLIS = 250;
    private static final long BACKOFF_CAP_MILLIS = 20_000;
    private static final long MAX_THROTTLED_MILLIS = Duration.ofMinutes(10).toMillis();
    private static final long DEFAULT_RETRY_AFTER_MILLIS = 5_000;

    private final HttpClient http;
    private final URI base;
    private final String tenantPath;
    private final String authorization;
    private final RateBudget budget;
    private final Duration requestTimeout;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();

    private AuroraApi(URI base, String tenantId, String token, RateBudget budget, Duration connectTimeout,
                      Duration requestTimeout) {
        this.base = base;
        this.tenantPath = "/tenants/" + encode(tenantId);
        this.authorization = "Bearer " + token;
        this.budget = budget;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * A client for the configured tenant. Clients for the same base URL and tenant share one budget.
     *
     * @throws IllegalStateException when tenant or token is not configured
     */
    public static AuroraApi create(Settings settings) {
        String tenant = settings.apiTenantId().orElseThrow(() -> new IllegalStateException("aurora.api.tenant-id is not set"));
        String token = settings.apiToken().orElseThrow(() -> new IllegalStateException("aurora.api.token is not set"));
        URI base = settings.apiBaseUrl();
        RateBudget budget = RateBudget.shared(base + "|" + tenant, settings.apiRequestsPerMinute());
        return new AuroraApi(base, tenant, token, budget, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /** A client with explicit parts (tests, the sample, benchmarks). */
    public static AuroraApi create(URI base, String tenantId, String token, RateBudget budget, Duration requestTimeout) {
        return new AuroraApi(base, tenantId, token, budget, Duration.ofSeconds(5), requestTimeout);
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
     * @return the lead, or empty when Aurora answers 404 (the lead is gone)
     */
    public Optional<ObjectNode> retrieveLead(String leadId) {
        String path = tenantPath + "/leads/" + encode(leadId);
        Response r = send("GET", path, null);
        if (r.status == 404) {
            return Optional.empty();
        }
        requireOk(r, "GET", path);
        JsonNode body = parse(r, "GET", path);
        JsonNode lead = body.has("lead") && body.get("lead").isObject() ? body.get("lead") : body;
        if (!lead.isObject() || !lead.path("id").isTextual()) {
            throw new AuroraApiException("GET " + path + " answered JSON without a lead \"id\"");
        }
        return Optional.of((ObjectNode) lead);
    }

    /** List Leads, one page ({@code page} is 1-based). Accepts {@code {"leads": [...]}} or a bare array. */
    public LeadPage listLeads(int page, int perPage) {
        String path = tenantPath + "/leads?page=" + page + "&per_page=" + perPage;
        Response r = send("GET", path, null);
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

    /** Sends with rate budget, retries and backoff; returns the first answer that is not 429/5xx. */
    private Response send(String method, String path, String jsonBody) {
        long throttledSince = -1;
        int failures = 0;
        while (true) {
            try {
                budget.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AuroraApiException("interrupted before " + method + " " + path, e);
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(requestTimeout)
                    .header("Authorization", authorization)
                    .header("Accept", "application/json");
            if (jsonBody == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
            }
            calls.incrementAndGet();
            String problem;
            long wait;
            try {
                HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status == 401 || status == 403) {
                    throw new AuroraAuthenticationException("Aurora answered " + status + " for " + method + " " + path
                            + ": check aurora.api.token and aurora.api.tenant-id");
                }
                if (status == 429) {
                    throttled.incrementAndGet();
                    long now = System.currentTimeMillis();
                    if (throttledSince < 0) {
                        throttledSince = now;
                    } else if (now - throttledSince > MAX_THROTTLED_MILLIS) {
                        throw new AuroraApiException("Aurora kept answering 429 for " + method + " " + path + " for "
                                + Duration.ofMillis(now - throttledSince).toMinutes() + " minutes");
                    }
                    wait = retryAfterMillis(response.headers().firstValue("Retry-After").orElse(null));
                    budget.pauseFor(wait);
                    log.debug("aurora-webhooks: 429 for {} {}; waiting {} ms", method, path, wait);
                    continue;
                }
                if (status < 500) {
                    return new Response(status, response.body());
                }
                problem = "HTTP " + status;
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AuroraApiException("interrupted during " + method + " " + path, e);
            }
            failures++;
            if (failures >= MAX_ATTEMPTS) {
                throw new AuroraApiException(method + " " + path + " failed after " + failures + " attempts: " + problem);
            }
            // Full jitter: spread retries of many callers instead of synchronising them.
            long cap = Math.min(BACKOFF_CAP_MILLIS, BACKOFF_BASE_MILLIS << failures);
            wait = ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
            log.debug("aurora-webhooks: {} {} failed ({}); retry {} in {} ms", method, path, problem, failures, wait);
            sleep(wait, method, path);
        }
    }

    static long retryAfterMillis(String header) {
        if (header == null || header.isBlank()) {
            return DEFAULT_RETRY_AFTER_MILLIS;
        }
        try {
            return Math.max(0, Long.parseLong(header.trim()) * 1000);
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, when.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (DateTimeParseException e2) {
                return DEFAULT_RETRY_AFTER_MILLIS;
            }
        }
    }

    private static void sleep(long millis, String method, String path) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuroraApiException("interrupted while retrying " + method + " " + path, e);
        }
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
