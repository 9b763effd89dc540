/**
 * The database: connections, schema migrations, SQL dialects, the writer that commits each delivery
 * before it is acknowledged, and the owners of three tables' SQL: {@code EventLog} for
 * {@code aurora_webhook_events} (the writer runs the statements it builds), {@code LeadSyncTable}
 * for {@code aurora_lead_sync} and {@code HandlerDeliveries} for {@code aurora_handler_deliveries}. The tables (README, "Tables") are the
 * contract; these types are not.
 *
 * <p>Internal and unsupported: public because the reconciler module, the CLI and the sample use the
 * same database; it may change in any release.
 */
package org.aurorawebhooks.store;
