package org.aurorawebhooks.dropin.shop;

import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraEventHandler;

/** A plain handler of the shop: it counts the leads Aurora created (see {@link ShopLedger}). */
public final class ShopLeadCounter implements AuroraEventHandler {
    @Override
    public boolean accepts(String eventType) {
        return eventType.equals("lead_created");
    }

    @Override
    public void handle(AuroraEvent event) {
        ShopLedger.handled();
    }
}
