package org.aurorawebhooks.store;

import java.util.List;

/**
 * What the event writer asks of the handler side: which handlers want an event type (their deliveries are
 * queued in the transaction that records the event) and whom to wake once such a transaction committed.
 */
public interface HandlerTargets {
    /** No handlers: nothing is queued. */
    HandlerTargets NONE = new HandlerTargets() {
        @Override
        public List<String> handlersFor(String eventType) {
            return List.of();
        }

        @Override
        public void queued() {
        }
    };

    /** The names of the handlers that accept {@code eventType}; empty when none. Must be cheap and never throw. */
    List<String> handlersFor(String eventType);

    /** Called on the writer thread after a commit that queued handler deliveries. Must be cheap and never throw. */
    void queued();
}
