package org.aurorawebhooks.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/** The demo's stories, told without a clock: every event of the catalogue comes up, and leads outnumber the rest. */
class DemoStoriesTest {

    @Test
    void fiveMinutesOfStoriesSendAll26Events() throws Exception {
        try (SimulatedAurora aurora = SimulatedAurora.start(SimulatedAurora.Options.defaults()
                .withCredentials("tenant-demo", TestSecrets.fresh("api-token")))) {
            DemoStories stories = new DemoStories(aurora, 7);
            for (int second = 0; second < 300; second++) {
                stories.tick();
            }
            assertEquals(new TreeSet<>(EventCatalog.aurora().names()), new TreeSet<>(stories.sent().keySet()));
            // Every lead_created the demo asked for is a lead in the simulated Aurora, the lost first one included.
            assertEquals(stories.sent().get("lead_created").intValue(), aurora.leadCount());
            Set<String> projectEvents = Set.of("project_created", "lead_converted");
            for (String event : projectEvents) {
                assertTrue(stories.sent().get(event) <= stories.sent().get("lead_created"), event + " follows a lead");
            }
        }
    }
}
