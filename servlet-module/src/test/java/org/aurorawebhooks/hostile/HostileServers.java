package org.aurorawebhooks.hostile;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.aurorawebhooks.AuroraWebhookFilter;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Two real Jetty 12 servers on loopback ports, each with the same host webapp under {@value #CONTEXT}: one
 * with {@link AuroraWebhookFilter} in front of the host servlet, one without the library. What the second
 * answers is what the host app answers on its own, so the first must answer the same on every path that is
 * not the filter's.
 *
 * <p>In front of the filter sits a {@link Sentinel}: it records what the container handed over (method, URI,
 * query string, credential headers), whether the request reached the host servlet, and every exception
 * that left the filter chain towards the container.
 */
final class HostileServers implements AutoCloseable {
    static final String CONTEXT = "/app";
    /** The header that ties a request to what the sentinel saw of it; never generated as a hostile header. */
    static final String TRY_HEADER = "X-Hostile-Try";
    private static final String HOST_REACHED = "hostile.host-reached";

    private final Server withFilter;
    private final Server withoutFilter;
    private final int filterPort;
    private final int hostOnlyPort;
    private final Sentinel sentinel = new Sentinel();

    /** The host app: answers every method on every path with {@code host:<method> <uri>}. */
    static final class HostServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.setAttribute(HOST_REACHED, true);
            resp.setContentType("text/plain;charset=utf-8");
            resp.getWriter().print("host:" + req.getMethod() + " " + req.getRequestURI());
        }
    }

    /** What the container handed to the filter chain, and what came back. */
    record Seen(String method, String uri, String query, Map<String, String> headers, String contentType,
                boolean reachedHost, int status) {
        /** The first value of a request header (as the filter reads it), or null. */
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** The outermost filter: it records and passes everything on unchanged. */
    static final class Sentinel implements Filter {
        private final Map<String, java.util.concurrent.CompletableFuture<Seen>> seen = new ConcurrentHashMap<>();
        private final List<String> escaped = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile List<String> watchedHeaders = List.of();

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest http = (HttpServletRequest) request;
            String id = http.getHeader(TRY_HEADER);
            java.util.concurrent.CompletableFuture<Seen> done = new java.util.concurrent.CompletableFuture<>();
            if (id != null) {
                // Before the chain runs: a client can read a complete answer before the filter has returned.
                seen.put(id, done);
            }
            try {
                chain.doFilter(request, response);
            } catch (IOException | ServletException | RuntimeException | Error e) {
                escaped.add(http.getMethod() + " " + http.getRequestURI() + ": " + e);
                throw e;
            } finally {
                if (id != null) {
                    Map<String, String> headers = new java.util.HashMap<>();
                    for (String name : watchedHeaders) {
                        String value = http.getHeader(name);
                        if (value != null) {
                            headers.put(name.toLowerCase(java.util.Locale.ROOT), value);
                        }
                    }
                    done.complete(new Seen(http.getMethod(), http.getRequestURI(), http.getQueryString(), headers,
                            http.getContentType(), http.getAttribute(HOST_REACHED) != null,
                            ((HttpServletResponse) response).getStatus()));
                }
            }
        }

        /**
         * What the filter chain saw of the request with this try id, once the chain has returned; null when the
         * request never reached the webapp (the container refused it). Called after the answer was read: a
         * request that has not entered the chain by then never will.
         */
        Seen take(String id) {
            java.util.concurrent.CompletableFuture<Seen> done = seen.remove(id);
            if (done == null) {
                return null;
            }
            try {
                return done.get(2, java.util.concurrent.TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("the filter chain did not return within 2 minutes for try " + id, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        /** Every exception that left the filter chain, as {@code METHOD URI: exception}. */
        List<String> escaped() {
            synchronized (escaped) {
                return List.copyOf(escaped);
            }
        }
    }

    HostileServers(Map<String, String> filterConfig, List<String> watchedHeaders) throws Exception {
        sentinel.watchedHeaders = List.copyOf(watchedHeaders);
        withFilter = new Server();
        filterPort = start(withFilter, filterConfig);
        withoutFilter = new Server();
        hostOnlyPort = start(withoutFilter, null);
    }

    private int start(Server server, Map<String, String> filterConfig) throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(CONTEXT);
        context.addServlet(new ServletHolder(new HostServlet()), "/*");
        if (filterConfig != null) {
            // Added first, so it runs outermost: it sees what the container hands to the webapp.
            context.addFilter(new FilterHolder(sentinel), "/*", EnumSet.of(DispatcherType.REQUEST));
            FilterHolder filter = new FilterHolder(AuroraWebhookFilter.class);
            filter.setInitParameters(filterConfig);
            context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        server.setHandler(context);
        server.start();
        if (!context.isAvailable()) {
            throw new IllegalStateException("the webapp did not start (see the log above)");
        }
        return connector.getLocalPort();
    }

    int filterPort() {
        return filterPort;
    }

    int hostOnlyPort() {
        return hostOnlyPort;
    }

    Sentinel sentinel() {
        return sentinel;
    }

    @Override
    public void close() throws Exception {
        try {
            withFilter.stop();
        } finally {
            withoutFilter.stop();
        }
    }
}
