package org.aurorawebhooks.evidence.probe;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.ThreadLocalRandom;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraTransactionalHandler;

/**
 * Not a test: a transactional handler the two-node run puts on each sample's class path (listed in its
 * {@code META-INF/services}). It takes every event, holds each call for a few milliseconds, records any call
 * that overlaps another of the same subject (see {@link RunningMarkers}), and writes one row per call into
 * {@value #TABLE} (event, subject, node, attempt) with the delivery's own transaction: the row commits with the
 * done mark or not at all, so the table must hold exactly one row per event, each subject's in event order.
 * The test creates the table.
 */
public final class TransactionalProbe implements AuroraTransactionalHandler {
    public static final String NAME = "evidence-tx-probe";
    public static final String TABLE = "evidence_probe_calls";

    private final RunningMarkers markers = new RunningMarkers();

    @Override
    public void handle(AuroraEvent event, Connection connection) throws Exception {
        String key = event.subject().map(s -> "subject-" + s).orElse("event-" + event.id());
        boolean alone = markers.enter(NAME, key, event.id());
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 6));
            try (PreparedStatement st = connection.prepareStatement("INSERT INTO " + TABLE
                    + " (event_id, subject, node, attempt) VALUES (?, ?, ?, ?)")) {
                st.setLong(1, event.id());
                st.setString(2, event.subject().orElse(null));
                st.setString(3, markers.node());
                st.setInt(4, event.attempt());
                st.executeUpdate();
            }
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
