package org.aurorawebhooks.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.aurorawebhooks.auth.AdminCredential;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.http.EndpointTraffic;
import org.aurorawebhooks.internal.ReconcileRunsView;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console under the filter's path: {@code {path}/_status}, {@code {path}/_dashboard} (and the
 * form it posts to, {@code {path}/_dashboard/retry}) and {@code {path}/_metrics}. Its paths are matched
 * before the webhook endpoint's, so they never reach the event parser.
 *
 * <p>Safe by construction: the paths answer 404 while no admin credential is configured and 401 (with a
 * basic challenge) without it; a webhook credential never opens them. Every answer forbids framing and
 * caching and MIME sniffing; the page allows only its own nonce'd script and style. The retry action is a
 * POST that needs this node's random token from the page, and is refused when the browser says it comes from
 * another site (Origin, Sec-Fetch-Site). A failed login is logged at most once a minute, with the caller's
 * address and how many failed since, never with what was sent. Thread-safe.
 */
public final class Console implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Console.class);
    private static final long FAILED_LOGIN_LOG_INTERVAL_MILLIS = 60_000;

    private final String prefix;
    private final Optional<AdminCredential> credential;
    private final Database database;
    private final StatusReader reader;
    private final ConsoleMetrics metrics;
    private final Clock clock;
    /** The retry form's token: random per node and start, so only a page this node served can post. */
    private final String csrfToken;
    private final AtomicLong lastFailureLogged = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicInteger failuresSinceLogged = new AtomicInteger();

    /**
     * @param runs the reconcile runs, when a reconciler module provides them (asked at each reading: the
     *     module's extension starts after the filter)
     */
    public Console(Settings settings, Database database, EndpointTraffic traffic, List<String> events,
                   Supplier<Optional<ReconcileRunsView>> runs, Clock clock) {
        this.prefix = settings.webhooksPath();
        this.credential = AdminCredential.from(settings);
        this.database = database;
        this.clock = clock;
        this.reader = new StatusReader(database, traffic, runs, clock);
        this.metrics = credential.isPresent() ? new ConsoleMetrics(database, traffic, events, runs) : null;
        byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        this.csrfToken = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /** Whether the console is open (an admin credential is configured): for the start-up log. */
    public boolean open() {
        return credential.isPresent();
    }

    /**
     * Answers the request if its path is one of the console's.
     *
     * @return false when it is not: the caller goes on with it
     */
    public boolean handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = context.isEmpty() || !uri.startsWith(context) ? uri : uri.substring(context.length());
        if (!path.startsWith(prefix + "/_")) {
            return false;
        }
        String page = path.substring(prefix.length() + 1);
        if (!List.of("_status", "_dashboard", "_metrics", "_dashboard/retry").contains(page)) {
            return false;
        }
        secureHeaders(response);
        if (credential.isEmpty()) {
            text(response, 404, "text/plain", "Not found\n");
            return true;
        }
        AdminCredential.Outcome outcome = credential.get().check(request);
        if (outcome != AdminCredential.Outcome.ADMITTED) {
            if (outcome == AdminCredential.Outcome.WRONG) {
                failedLogin(request, path);
            }
            response.setHeader("WWW-Authenticate", AdminCredential.CHALLENGE);
            text(response, 401, "text/plain", "The operator console needs aurora.admin.username and its password\n");
            return true;
        }
        String method = request.getMethod();
        boolean post = page.equals("_dashboard/retry");
        if (post ? !"POST".equals(method) : !"GET".equals(method) && !"HEAD".equals(method)) {
            response.setHeader("Allow", post ? "POST" : "GET, HEAD");
            text(response, 405, "text/plain", "Method not allowed\n");
            return true;
        }
        try {
            switch (page) {
                case "_status" -> text(response, 200, "application/json", StatusJson.write(reader.read()));
                case "_metrics" -> text(response, 200, ConsoleMetrics.contentType(), metrics.scrape());
                case "_dashboard" -> dashboard(request, response);
                default -> retry(request, response);
            }
        } catch (MalformedParameters e) {
            // The caller's fault, not the console's: no error in the log, no 500.
            if (!response.isCommitted()) {
                text(response, 400, "text/plain", "Bad request: the query string or form body cannot be decoded "
                        + "(a bad % escape or invalid UTF-8)\n");
            }
        } catch (RuntimeException e) {
            log.error("aurora-webhooks: the operator console failed answering {} {}", method, path, e);
            if (!response.isCommitted()) {
                text(response, 500, "text/plain", "The console failed; see the server log\n");
            }
        }
        return true;
    }

    private void dashboard(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] nonceBytes = new byte[18];
        new SecureRandom().nextBytes(nonceBytes);
        String nonce = Base64.getEncoder().encodeToString(nonceBytes);
        response.setHeader("Content-Security-Policy", "default-src 'none'; script-src 'nonce-" + nonce + "'; "
                + "style-src 'nonce-" + nonce + "'; img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'");
        String base = request.getContextPath() + prefix;
        if ("console".equals(parameter(request, "fragment"))) {
            text(response, 200, "text/html", DashboardPage.fragment(reader.read(), csrfToken, base));
            return;
        }
        Long retried = parseId(parameter(request, "retried"));
        String html = DashboardPage.render(reader.read(), nonce, csrfToken, base, retried,
                "none".equals(parameter(request, "retried")));
        text(response, 200, "text/html", html);
    }

    /** {@code POST _dashboard/retry} with {@code id} and {@code csrf}: a dead delivery becomes pending, due now. */
    private void retry(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String refusal = crossSiteRefusal(request);
        if (refusal != null) {
            log.warn("aurora-webhooks: refused a console retry from {}: {}", request.getRemoteAddr(), refusal);
            text(response, 403, "text/plain", "Refused: " + refusal + "\n");
            return;
        }
        Long id = parseId(parameter(request, "id"));
        if (id == null) {
            text(response, 400, "text/plain", "id must be the number of a dead handler delivery\n");
            return;
        }
        HandlerDeliveries deliveries = new HandlerDeliveries(database.dialect());
        List<Long> retried = database.jdbi().inTransaction(h -> deliveries.retryDead(h, List.of(id), clock.millis()));
        if (!retried.isEmpty()) {
            log.info("aurora-webhooks: handler delivery {} retried from the operator console", id);
        }
        response.setStatus(303);
        response.setHeader("Location", request.getContextPath() + prefix + "/_dashboard?retried="
                + (retried.isEmpty() ? "none" : id));
    }

    /** Why a retry must not run, or null: a missing or wrong token, or a browser that says another site sent it. */
    private String crossSiteRefusal(HttpServletRequest request) {
        String token = parameter(request, "csrf");
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                csrfToken.getBytes(StandardCharsets.UTF_8))) {
            return "the form's token is missing or not this node's (reload the dashboard and try again)";
        }
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return "the browser says the request came from another site (Sec-Fetch-Site: " + site + ")";
        }
        String origin = request.getHeader("Origin");
        if (origin != null) {
            String host = request.getHeader("Host");
            String originHost;
            try {
                originHost = URI.create(origin).getRawAuthority();
            } catch (IllegalArgumentException e) {
                originHost = null;
            }
            if (host == null || originHost == null || !originHost.equalsIgnoreCase(host)) {
                return "the request's Origin (" + (origin.length() > 100 ? origin.substring(0, 100) : origin)
                        + ") is not this host (" + host + ")";
            }
        }
        return null;
    }

    /**
     * A request parameter, or null. The container decodes the query string (and a form body) when a parameter
     * is first asked for, and refuses one it cannot decode by throwing (Jetty: {@code BadMessageException}).
     */
    private static String parameter(HttpServletRequest request, String name) {
        try {
            return request.getParameter(name);
        } catch (RuntimeException e) {
            throw new MalformedParameters(e);
        }
    }

    /** The request's parameters cannot be decoded: answered 400. */
    private static final class MalformedParameters extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedParameters(RuntimeException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private static Long parseId(String value) {
        if (value == null || value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Long.parseLong(value);
    }

    /**
     * Logs a failed login at most once a minute, with how many failed since: a guesser cannot flood the log,
     * and an operator still sees it. Never what was sent.
     */
    private void failedLogin(HttpServletRequest request, String path) {
        int failures = failuresSinceLogged.incrementAndGet();
        long now = clock.millis();
        long last = lastFailureLogged.get();
        if (now - last >= FAILED_LOGIN_LOG_INTERVAL_MILLIS && lastFailureLogged.compareAndSet(last, now)) {
            failuresSinceLogged.addAndGet(-failures);
            log.warn("aurora-webhooks: failed operator console login from {} on {} ({} failed login(s) since the "
                    + "last report; the credential is aurora.admin.username/aurora.admin.password)",
                    request.getRemoteAddr(), path, failures);
        }
    }

    private static void secureHeaders(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        // Not no-referrer: under it a browser sends "Origin: null" with the page's own form, which the retry refuses.
        response.setHeader("Referrer-Policy", "same-origin");
    }

    private static void text(HttpServletResponse response, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type.contains("charset") ? type : type + ";charset=utf-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
    }
}
