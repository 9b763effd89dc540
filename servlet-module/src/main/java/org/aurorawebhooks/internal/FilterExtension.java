package org.aurorawebhooks.internal;

import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;

/**
 * Background work started alongside the filter and stopped with it, found with
 * {@link java.util.ServiceLoader}: the lead sync worker and the reconcile schedule live in the
 * reconciler module and plug in here, so a webapp that only records never loads them.
 *
 * <p>Internal and unsupported: it may change in any release.
 */
public interface FilterExtension {
    /**
     * Checks the settings the extension reads; called before the filter opens (and migrates) the database,
     * so a bad setting stops start-up with nothing created.
     *
     * @throws org.aurorawebhooks.config.ConfigException to stop start-up for a bad setting
     */
    default void validate(Settings settings) {
    }

    /**
     * Starts the extension; called once after the filter is configured.
     *
     * @throws org.aurorawebhooks.config.ConfigException to stop start-up for a bad setting
     */
    void start(Settings settings, Database database);

    /**
     * The reconcile runs for the operator console, when this extension owns them; called after
     * {@link #start}. Empty by default.
     */
    default java.util.Optional<ReconcileRunsView> reconcileRuns() {
        return java.util.Optional.empty();
    }

    /** Stops it; called once when the filter is destroyed. Must not throw. */
    void stop();
}
