package org.aurorawebhooks.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.aurorawebhooks.auth.Authenticator;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.DatabaseUnavailableException;
import org.aurorawebhooks.store.Delivery;
import org.aurorawebhooks.store.EventWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers requests on the webhook paths as the README's endpoint table says: match the path, check
 * the method and the credential, parse and validate against the catalogue, commit, then answer.
 * Requests outside those paths are not touched. Internal: use {@code AuroraWebhookFilter}.
 * Thread-safe.
 */
public final class WebhookEndpoint {
    private static final Logger log = LoggerFactory.getLogger(WebhookEndpoint.class);
    /** How long a request waits for its commit before answering 503. */
    private static final long COMMIT_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_FORM_BODY = DeliveryParser.MAX_QUERY_LENGTH;
    private static final String ALLOW = "GET, POST, HEAD";
    private static final String RETRY_AFTER_SECONDS = "5";

    private final String prefix;
    private final Map<String, String> routes;
    private final Authenticator authenticator;
    private final EventCatalog catalog;
    private final EventWriter writer;
    private final EndpointTraffic traffic;
    private final DeliveryParser parser = new DeliveryParser();
    private final String eventList;
    private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param traffic where every answer is counted, and rejected requests kept, for the operator console
     */
    public WebhookEndpoint(Settings settings, Authenticator authenticator, EventCatalog catalog, EventWriter writer,
                           EndpointTraffic traffic) {
        this.prefix = settings.webhooksPath();
        this.routes = settings.routes();
        this.authenticator = authenticator;
        this.catalog = catalog;
        this.writer = writer;
        this.traffic = java.util.Objects.requireNonNull(traffic, "traffic == null");
        this.eventList = Json.array(catalog.names());
        routes.forEach((path, event) -> {
            if (catalog.find(event).isEmpty()) {
                throw new ConfigException(Key.ROUTE_PREFIX + path + ": \"" + event
                        + "\" is not an Aurora event; expected one of " + catalog.names());
            }
        });
    }

    /**
     * Handles the request if its path is one of the webhook paths.
     *
     * @return false when the path is not the filter's: the caller passes the request on untouched
     */
    public boolean handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = context.isEmpty() || !uri.startsWith(context) ? uri : uri.substring(context.length());
        String eventName;
        boolean index = false;
        if (path.startsWith(prefix)) {
            if (path.length() == prefix.length() || (path.length() == prefix.length() + 1 && path.charAt(prefix.length()) == '/')) {
                eventName = null;
                index = true;
            } else if (path.charAt(prefix.length()) == '/') {
                eventName = path.substring(prefix.length() + 1);
            } else {
                eventName = routes.get(path);
                if (eventName == null) {
                    return false; // e.g. /aurora/webhooksXYZ: not ours
                }
            }
        } else {
            eventName = routes.get(path);
            if (eventName == null) {
                return false;
            }
        }
        try {
            answer(request, response, eventName, index, context, path);
        } catch (RuntimeException e) {
            log.error("aurora-webhooks: unexpected failure answering {} {}", request.getMethod(), path, e);
            traffic.rejected("internal_error", 500, request.getMethod(), path, request.getQueryString());
            if (!response.isCommitted()) {
                respond(response, 500, "{\"error\":\"internal_error\",\"message\":\"the delivery was not stored; see the server log\"}");
            }
        }
        return true;
    }

    private void answer(HttpServletRequest request, HttpServletResponse response, String eventName, boolean index,
                        String context, String path) throws IOException {
        String method = request.getMethod();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method) && !"POST".equals(method)) {
            rejected(request, path, "method_not_allowed", 405);
            response.setHeader("Allow", ALLOW);
            respond(response, 405, error("method_not_allowed", null,
                    "Aurora delivers webhooks with GET; this endpoint accepts " + ALLOW), head);
            return;
        }
        if (!authenticator.admits(request)) {
            rejected(request, path, "unauthorized", 401);
            if (authenticator.offersBasic()) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"aurora-webhooks\", charset=\"UTF-8\"");
            }
            respond(response, 401, error("unauthorized", null, "missing or wrong credential"), head);
            return;
        }
        if (index) {
            respond(response, 200, "{\"events\":" + eventList + "}", head);
            return;
        }
        Optional<EventType> event = catalog.find(eventName);
        if (event.isEmpty()) {
            rejected(request, path, "unknown_event", 404);
            respond(response, 404, "{\"error\":\"unknown_event\",\"event\":" + Json.quote(eventName)
                    + ",\"message\":" + Json.quote("Aurora has no event named " + eventName)
                    + ",\"known_events_url\":" + Json.quote(context + prefix + "/")
                    + ",\"known_events\":" + eventList + "}", head);
            return;
        }
        Delivery delivery;
        try {
            String query = request.getQueryString();
            // Before reading a body: an overlong query string is rejected as such.
            DeliveryParser.checkQueryLength(query);
            delivery = parser.parse(event.get(), query, formBody(request), Instant.now());
        } catch (Rejection r) {
            rejected(request, path, r.code(), r.status());
            respond(response, r.status(), error(r.code(), r.parameter(), r.getMessage()), head);
            return;
        }
        if (delivery.undocumented() != null) {
            warnUndocumented(delivery);
        }
        if (head) {
            respond(response, 200, "", true);
            return;
        }
        EventWriter.Stored stored;
        try {
            stored = writer.write(delivery, COMMIT_TIMEOUT_MILLIS);
        } catch (DatabaseUnavailableException e) {
            rejected(request, path, "store_unavailable", 503);
            response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
            respond(response, 503, error("store_unavailable", null,
                    "the delivery could not be stored right now and was not recorded; retry later"), false);
            return;
        }
        traffic.accepted(delivery.eventType());
        respond(response, 200, "{\"id\":" + stored.id() + ",\"event\":" + Json.quote(delivery.eventType())
                + ",\"repeat\":" + (stored.repeatOf() != null) + ",\"repeat_of\":" + stored.repeatOf() + "}", false);
    }

    private void rejected(HttpServletRequest request, String path, String reason, int status) {
        traffic.rejected(reason, status, request.getMethod(), path, request.getQueryString());
    }

    /**
     * Warns once per event and attribute: when Aurora adds a status, every delivery carries it, and one
     * line says as much as a thousand. Later ones are logged at debug level.
     */
    private void warnUndocumented(Delivery delivery) {
        String key = delivery.eventType() + "/" + delivery.undocumented();
        if (warned.size() < 1_000 && warned.add(key)) {
            log.warn("aurora-webhooks: {} delivery carries a value Aurora does not document in {}; recorded and "
                    + "flagged in undocumented_values (further ones are logged at debug level)",
                    delivery.eventType(), delivery.undocumented());
        } else {
            log.debug("aurora-webhooks: {} delivery with an undocumented value in {}", delivery.eventType(),
                    delivery.undocumented());
        }
    }

    /** The form body of a tool that POSTs its parameters, or null. */
    private static String formBody(HttpServletRequest request) throws Rejection, IOException {
        String type = request.getContentType();
        if (!"POST".equals(request.getMethod()) || type == null
                || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return null;
        }
        return readBounded(request.getInputStream());
    }

    private static String readBounded(InputStream in) throws IOException, Rejection {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            if (out.size() > MAX_FORM_BODY) {
                // Stop reading; how much more there was does not matter.
                throw new Rejection(413, "body_too_large", null, "the form body has more than " + MAX_FORM_BODY
                        + " bytes; at most " + MAX_FORM_BODY + " are accepted");
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String error(String code, String parameter, String message) {
        return "{\"error\":" + Json.quote(code) + (parameter == null ? "" : ",\"parameter\":" + Json.quote(parameter))
                + ",\"message\":" + Json.quote(message) + "}";
    }

    private static void respond(HttpServletResponse response, int status, String json) throws IOException {
        respond(response, status, json, false);
    }

    private static void respond(HttpServletResponse response, int status, String json, boolean head) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json;charset=utf-8");
        if (head) {
            return;
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
