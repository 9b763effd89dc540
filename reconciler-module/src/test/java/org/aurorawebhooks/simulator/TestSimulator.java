package org.aurorawebhooks.simulator;

import org.aurorawebhooks.testing.TestSecrets;

/** The simulated Aurora for tests: its defaults, with a bearer token the suite-wide secret scan looks for. */
public final class TestSimulator {
    private TestSimulator() {
    }

    /** {@link SimulatedAurora.Options#defaults()} with an API token from {@link TestSecrets#fresh}. */
    public static SimulatedAurora.Options options() {
        SimulatedAurora.Options defaults = SimulatedAurora.Options.defaults();
        return defaults.withCredentials(defaults.tenantId(), TestSecrets.fresh("api-token"));
    }
}
