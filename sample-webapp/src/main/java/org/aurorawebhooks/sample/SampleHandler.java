package org.aurorawebhooks.sample;

import java.util.concurrent.atomic.AtomicLong;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample app's own handler, registered the way an app of yours registers one: listed in
 * {@code META-INF/services/org.aurorawebhooks.AuroraEventHandler}. A signed agreement starts the project's
 * onboarding (here: a log line), and the lead events are counted. The home page shows what it handled, from
 * {@code aurora_handler_deliveries}. Thread-safe: the library calls it from several threads at once.
 */
public final class SampleHandler implements AuroraEventHandler {
    private static final Logger log = LoggerFactory.getLogger(SampleHandler.class);

    private final AtomicLong leadEvents = new AtomicLong();

    @Override
    public boolean accepts(String eventType) {
        return eventType.equals("agreement_status_changed") || eventType.startsWith("lead_");
    }

    @Override
    public void handle(AuroraEvent event) {
        if (event.type().equals("agreement_status_changed")) {
            if (event.attribute("status").filter("signed"::equals).isPresent()) {
                log.info("sample: signed agreement for project {} -> start onboarding",
                        event.attribute("project_id").orElse("(none)"));
            }
            return;
        }
        log.info("sample: {} for lead {} (lead events handled since start: {})", event.type(),
                event.subject().orElse("(none)"), leadEvents.incrementAndGet());
    }
}
