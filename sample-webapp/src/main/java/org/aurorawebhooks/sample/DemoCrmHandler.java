package org.aurorawebhooks.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraEventHandler;

/**
 * The demo's second handler: copies each project and its status changes into the sales team's CRM, a CRM
 * that fails the way real ones do. Registered from the sample's start-up code with
 * {@link org.aurorawebhooks.AuroraHandlers#register} (the way to register a handler your own code builds,
 * with a client or a DataSource), in demo mode only, where its failures are part of the show.
 *
 * <p>The CRM refuses every third project it is sent, starting with the second, every time (a permanent
 * failure: after the last attempt of {@code aurora.handlers.retry-schedule} the delivery is a dead letter,
 * and the project's later events, no longer blocked behind it, follow it there); of the other calls,
 * every fifth times out (a transient failure: the retry succeeds). Counted rather than drawn at random, so
 * that a demo of a minute and a half always shows both. Thread-safe.
 */
final class DemoCrmHandler implements AuroraEventHandler {
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong projects = new AtomicLong();
    private final Map<String, Boolean> refused = new ConcurrentHashMap<>();

    @Override
    public boolean accepts(String eventType) {
        return eventType.equals("project_created") || eventType.equals("project_status_changed");
    }

    @Override
    public void handle(AuroraEvent event) throws CrmException {
        String project = event.subject().orElse("(none)");
        boolean refuse = refused.computeIfAbsent(project, p -> projects.incrementAndGet() % 3 == 2);
        if (refuse) {
            throw new CrmException("CRM refused project " + project + ": no sales territory covers its address");
        }
        if (calls.incrementAndGet() % 5 == 0) {
            throw new CrmException("CRM did not answer within 5 s (project " + project + ")");
        }
    }

    /** What the CRM answered instead of taking the record. */
    static final class CrmException extends Exception {
        private static final long serialVersionUID = 1L;

        CrmException(String message) {
            super(message);
        }
    }
}
