package org.aurorawebhooks.handlers;

import jakarta.servlet.ServletContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.store.HandlerTargets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handlers of one webapp, by name: those its {@code META-INF/services} lists and those its start-up
 * code registers. Kept as a servlet context attribute, so registration works before and after the filter
 * starts. Thread-safe.
 */
public final class HandlerRegistry implements HandlerTargets {
    private static final Logger log = LoggerFactory.getLogger(HandlerRegistry.class);
    private static final String ATTRIBUTE = HandlerRegistry.class.getName();
    /** The width of {@code aurora_handler_deliveries.handler}. */
    static final int MAX_NAME_LENGTH = 200;

    private final Map<String, AuroraEventHandler> handlers = new ConcurrentSkipListMap<>();
    /** Handlers whose accepts() threw, reported once each. */
    private final Map<String, Boolean> reportedAcceptFailures = new ConcurrentHashMap<>();
    /** Whom to wake after a commit that queued deliveries: the dispatchers using this registry. */
    private final List<Runnable> onQueued = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A registry outside any servlet context (tests, the CLI). */
    public HandlerRegistry() {
    }

    /** The registry of {@code context}, created on first use. */
    public static HandlerRegistry of(ServletContext context) {
        synchronized (context) {
            Object existing = context.getAttribute(ATTRIBUTE);
            if (existing instanceof HandlerRegistry r) {
                return r;
            }
            HandlerRegistry created = new HandlerRegistry();
            context.setAttribute(ATTRIBUTE, created);
            return created;
        }
    }

    /**
     * Adds a handler.
     *
     * @param source where it came from, for messages
     * @throws IllegalArgumentException for a duplicate, empty or too long name
     */
    public void add(AuroraEventHandler handler, String source) {
        String name = handler.name();
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("handler " + handler.getClass().getName() + " (" + source
                    + ") has name " + (name == null ? "null" : "\"" + name + "\"")
                    + ": a handler needs a non-empty name of at most " + MAX_NAME_LENGTH + " characters");
        }
        AuroraEventHandler previous = handlers.putIfAbsent(name, handler);
        if (previous != null) {
            throw new IllegalArgumentException("two handlers are named \"" + name + "\" (" + previous.getClass().getName()
                    + " and " + handler.getClass().getName() + " from " + source + "): deliveries are tracked by name, "
                    + "so each handler needs its own (override name())");
        }
        log.info("aurora-webhooks: handler {} registered ({})", name, source);
    }

    /**
     * Adds the handlers {@code META-INF/services/org.aurorawebhooks.AuroraEventHandler} lists in the webapp.
     *
     * @throws ConfigException when a listed class cannot be loaded or instantiated, or names clash
     */
    public void loadServices(ClassLoader webapp) {
        List<AuroraEventHandler> found = new ArrayList<>();
        try {
            for (AuroraEventHandler handler : ServiceLoader.load(AuroraEventHandler.class, webapp)) {
                found.add(handler);
            }
        } catch (ServiceConfigurationError e) {
            throw new ConfigException("META-INF/services/" + AuroraEventHandler.class.getName()
                    + " names a handler that cannot be created: " + e.getMessage());
        }
        for (AuroraEventHandler handler : found) {
            if (!handlers.containsValue(handler) && !sameClassRegistered(handler)) {
                try {
                    add(handler, "META-INF/services");
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(e.getMessage());
                }
            }
        }
    }

    /** A filter restarted in the same context finds its services registered already. */
    private boolean sameClassRegistered(AuroraEventHandler handler) {
        AuroraEventHandler same = handlers.get(handler.name());
        return same != null && same.getClass() == handler.getClass();
    }

    /**
     * Adds what to run after a commit that queued handler deliveries (a dispatcher waking up). A list, not
     * one slot: a dispatcher that replaced another (a filter restarted in the same context), or two in one
     * process, must not silence each other.
     */
    void onQueued(Runnable action) {
        onQueued.add(action);
    }

    /** Removes what {@link #onQueued} added (a dispatcher closing). */
    void removeOnQueued(Runnable action) {
        onQueued.remove(action);
    }

    @Override
    public List<String> handlersFor(String eventType) {
        if (handlers.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>(handlers.size());
        for (Map.Entry<String, AuroraEventHandler> e : handlers.entrySet()) {
            if (accepts(e.getValue(), eventType)) {
                names.add(e.getKey());
            }
        }
        return names;
    }

    /** A handler whose accepts() throws gets the event anyway: its handle() can decide, nothing is lost. */
    private boolean accepts(AuroraEventHandler handler, String eventType) {
        try {
            return handler.accepts(eventType);
        } catch (RuntimeException e) {
            if (reportedAcceptFailures.putIfAbsent(handler.name(), Boolean.TRUE) == null) {
                log.warn("aurora-webhooks: handler {} threw from accepts(\"{}\"); it gets such events anyway", handler.name(),
                        eventType, e);
            }
            return true;
        }
    }

    @Override
    public void queued() {
        for (Runnable action : onQueued) {
            action.run();
        }
    }

    public Optional<AuroraEventHandler> byName(String name) {
        return Optional.ofNullable(handlers.get(name));
    }

    /** The registered names, sorted. */
    public List<String> names() {
        return List.copyOf(handlers.keySet());
    }

    public boolean isEmpty() {
        return handlers.isEmpty();
    }
}
