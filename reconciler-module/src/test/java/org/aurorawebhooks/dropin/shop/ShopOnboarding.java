package org.aurorawebhooks.dropin.shop;

import java.sql.Connection;
import java.sql.PreparedStatement;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraTransactionalHandler;

/**
 * The shop's own handler, as the README's example: a signed agreement starts the project's onboarding, a
 * row in the shop's own table, written with the delivery's transaction so it commits with the "done" mark.
 * It records the thread it ran on, so a test can tell it never ran on the request thread. Compiled with the
 * tests, but copied into the test webapp's {@code WEB-INF/classes} and listed in its
 * {@code META-INF/services}: the webapp's class loader loads it, against the API inside
 * {@code aurora-webhooks.jar}.
 */
public final class ShopOnboarding implements AuroraTransactionalHandler {
    @Override
    public boolean accepts(String eventType) {
        return eventType.equals("agreement_status_changed");
    }

    @Override
    public void handle(AuroraEvent event, Connection connection) throws Exception {
        if (event.attribute("status").filter("signed"::equals).isPresent()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO shop_onboarding (project_id, aurora_event_id, thread) VALUES (?, ?, ?)")) {
                insert.setString(1, event.attribute("project_id").orElseThrow());
                insert.setLong(2, event.id());
                insert.setString(3, Thread.currentThread().getName());
                insert.executeUpdate();
            }
        }
        ShopLedger.handled();
    }
}
