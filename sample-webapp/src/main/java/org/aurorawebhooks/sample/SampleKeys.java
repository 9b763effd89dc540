package org.aurorawebhooks.sample;

import java.util.Set;
import org.aurorawebhooks.config.ApplicationKeys;
import org.aurorawebhooks.config.Settings;

/**
 * The sample's own configuration keys, declared to the library (see
 * {@code META-INF/services/org.aurorawebhooks.config.ApplicationKeys}) so that it resolves them with
 * its precedence, checks them at load and does not report them as unknown.
 */
public final class SampleKeys implements ApplicationKeys {
    /** The sample's HTTP port, default 8080. */
    public static final String PORT = "aurora.sample.port";
    /** Demo mode: the simulated Aurora in-process; on by default when no API token is set. */
    public static final String DEMO = "aurora.sample.demo";

    @Override
    public Set<String> keys() {
        return Set.of(PORT, DEMO);
    }

    @Override
    public void validate(Settings settings) {
        // The parsing lives in Settings for the callers that already use it; calling it here makes a
        // bad value stop start-up.
        settings.samplePort();
        settings.sampleDemo();
    }
}
