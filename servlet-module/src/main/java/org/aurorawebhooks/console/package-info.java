/**
 * The operator console the filter serves under its own path: {@code _status} (JSON), {@code _dashboard}
 * (one server-rendered HTML page with a retry action for dead handler deliveries) and {@code _metrics}
 * (Prometheus text written by Micrometer), behind {@code aurora.admin.username}/{@code aurora.admin.password}.
 * It reads through the table owners in {@code store} (and the reconcile runs through the view the
 * reconciler module hands it), and owns no table.
 *
 * <p>Internal and unsupported: the paths, the top-level JSON keys and the metric names are the contract
 * (README, "Operator console"); the classes may change in any release.
 */
package org.aurorawebhooks.console;
