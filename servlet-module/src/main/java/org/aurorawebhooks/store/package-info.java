/**
 * The database: connections, schema migrations, SQL dialects, the writer that commits each delivery
 * before it is acknowledged, and the owners of two tables' SQL: {@code EventLog} for
 * {@code aurora_webhook_events} (the writer runs the statements it builds) and {@code LeadSyncTable}
 * for {@code aurora_lead_sync}. The tables (README, "Tables") are the
 * contract; these types are not.
 *
 * <p>Internal and unsupported: public because the reconciler module, the CLI and the sample use the
 * same database; it may change in any release.
 */
package org.aurorawebhooks.store;
