package org.aurorawebhooks.evidence.servers.shop;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.atomic.AtomicInteger;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraTransactionalHandler;

/**
 * The shop's handler, registered only by the webapp's own
 * {@code WEB-INF/classes/META-INF/services/org.aurorawebhooks.AuroraEventHandler}: each created lead is booked
 * in the shop's own table {@code shop_leads}, in the delivery's transaction, so the row commits with the
 * "done" mark. Loaded by the webapp's class loader, against the API inside the dropped-in jar.
 */
public final class ShopLeadBook implements AuroraTransactionalHandler {
    /** The host's own table, which the host creates before the webapp starts. */
    public static final String TABLE_DDL =
            "CREATE TABLE shop_leads (lead_id VARCHAR(64) PRIMARY KEY, aurora_event_id BIGINT NOT NULL)";
    private static final AtomicInteger BOOKED = new AtomicInteger();

    @Override
    public boolean accepts(String eventType) {
        return eventType.equals("lead_created");
    }

    @Override
    public void handle(AuroraEvent event, Connection connection) throws Exception {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO shop_leads (lead_id, aurora_event_id) VALUES (?, ?)")) {
            insert.setString(1, event.attribute("lead_id").orElseThrow());
            insert.setLong(2, event.id());
            insert.executeUpdate();
        }
        BOOKED.incrementAndGet();
    }

    /** Leads booked since this webapp started (its class loader's count). */
    static int booked() {
        return BOOKED.get();
    }
}
