package org.aurorawebhooks;

import jakarta.servlet.ServletContext;
import java.util.Objects;
import org.aurorawebhooks.handlers.HandlerRegistry;

/**
 * Registers handlers from the host app's own start-up code, for handlers that need constructor arguments
 * (a DataSource, a client) that {@code META-INF/services} cannot give:
 * <pre>{@code
 * @WebListener
 * public class Startup implements ServletContextListener {
 *     public void contextInitialized(ServletContextEvent e) {
 *         AuroraHandlers.register(e.getServletContext(), new StartOnboarding(crmClient));
 *     }
 * }
 * }</pre>
 * Register before the first request if the handler must see every event: an event recorded before its
 * handler was registered is not delivered to it (an operator's {@code replay --handler NAME} does that).
 * Thread-safe.
 */
public final class AuroraHandlers {
    private AuroraHandlers() {
    }

    /**
     * Adds a handler to the webapp's aurora-webhooks filter; it gets events recorded from now on.
     *
     * @throws IllegalArgumentException when a handler with the same {@link AuroraEventHandler#name()} is
     *     registered already, or the name is empty or longer than 200 characters
     */
    public static void register(ServletContext context, AuroraEventHandler handler) {
        Objects.requireNonNull(context, "context == null");
        Objects.requireNonNull(handler, "handler == null");
        HandlerRegistry.of(context).add(handler, "AuroraHandlers.register");
    }
}
