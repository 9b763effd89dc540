/**
 * The database: connections, schema migrations, SQL dialects, the writer that commits each delivery
 * before it is acknowledged, and the lead-sync queue's SQL. The tables (README, "Tables") are the
 * contract; these types are not.
 *
 * <p>Internal and unsupported: public because the reconciler module, the CLI and the sample use the
 * same database; it may change in any release.
 */
package org.aurorawebhooks.store;
