package org.aurorawebhooks.evidence.probe;

import java.util.concurrent.ThreadLocalRandom;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraEventHandler;

/**
 * Not a test: a handler the two-node run puts on each sample's class path (listed in its
 * {@code META-INF/services}). It takes every event, holds each call for a few milliseconds (so that two calls
 * that should not overlap would), records any call that overlaps another of the same subject (see
 * {@link RunningMarkers}), and journals each call as {@code EVENT_ID ATTEMPT} in {@code calls-plain-NODE.txt}.
 */
public final class PlainProbe implements AuroraEventHandler {
    public static final String NAME = "evidence-plain-probe";

    private final RunningMarkers markers = new RunningMarkers();

    @Override
    public void handle(AuroraEvent event) throws Exception {
        String key = event.subject().map(s -> "subject-" + s).orElse("event-" + event.id());
        boolean alone = markers.enter(NAME, key, event.id());
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 6));
            markers.append("calls-plain-" + markers.node() + ".txt", event.id() + " " + event.attempt());
        } finally {
            if (alone) {
                markers.exit(NAME, key);
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }
}
