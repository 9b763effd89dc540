/**
 * Internal: delivery of recorded events to the host app's handlers. {@link org.aurorawebhooks.handlers.HandlerRegistry}
 * holds the handlers of one webapp and tells the event writer which ones want an event;
 * {@link org.aurorawebhooks.handlers.HandlerDispatcher} claims due deliveries from
 * {@code aurora_handler_deliveries} (through its owner, {@link org.aurorawebhooks.store.HandlerDeliveries}),
 * calls the handlers on its worker threads, and records success, retry or death. The supported API is
 * {@link org.aurorawebhooks.AuroraEventHandler} and its companions in {@code org.aurorawebhooks}.
 */
package org.aurorawebhooks.handlers;
