package org.aurorawebhooks.dropin.shop;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the shop's handlers have done, for the shop's own page ({@link ShopServlet} reports it) and so for a
 * test that asks over HTTP rather than opening the webapp's SQLite file while the webapp writes it. It lives
 * in the webapp's class loader: each deployed webapp counts for itself, and the count goes with the webapp.
 */
public final class ShopLedger {
    private static final AtomicInteger HANDLED = new AtomicInteger();

    private ShopLedger() {
    }

    static void handled() {
        HANDLED.incrementAndGet();
    }

    /** Deliveries the shop's handlers have handled since the webapp started. */
    public static int count() {
        return HANDLED.get();
    }
}
