package org.aurorawebhooks.evidence.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.simulator.WebhookFiring;

/**
 * What happens to the tenant's leads during the run, seeded: leads are created, changed and deleted in
 * the simulated Aurora, and each creation or change fires its webhook (a share of them lost on the way,
 * by the simulator's drop share). A deletion sometimes fires {@code lead_changed} too, as Aurora does for a
 * lead it deletes. Every id is added to {@link #deleted()} before the simulator deletes it, so that a
 * lead seen marked gone in the database and not in that set was live when it was marked.
 */
final class LeadScript {
    private final SimulatedAurora aurora;
    private final Random random;
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final List<String> live = new ArrayList<>();
    private final Map<String, Integer> counts = new TreeMap<>();

    LeadScript(SimulatedAurora aurora, long seed) {
        this.aurora = aurora;
        this.random = new Random(seed);
        live.addAll(aurora.leadIds());
        live.sort(null); // leadIds() comes from a hash map: a fixed order keeps the script reproducible
    }

    /** One action: create (45 %), change (40 %) or delete (15 %) a lead. Called from one thread. */
    void step() {
        double r = random.nextDouble();
        if (live.size() < 5 || r < 0.45) {
            String id = aurora.createLead();
            live.add(id);
            count("created");
            fire("lead_created", Map.of("lead_id", id, "source", "api"));
        } else if (r < 0.85) {
            String id = live.get(random.nextInt(live.size()));
            aurora.changeLead(id);
            count("changed");
            fire("lead_changed", Map.of("lead_id", id));
        } else {
            String id = live.remove(random.nextInt(live.size()));
            deleted.add(id);
            aurora.deleteLead(id);
            count("deleted");
            if (random.nextBoolean()) {
                fire("lead_changed", Map.of("lead_id", id));
            }
        }
    }

    private void fire(String event, Map<String, String> values) {
        for (WebhookFiring f : aurora.fireWebhooks(event, values)) {
            switch (f.outcome()) {
                case DROPPED -> count("webhooks dropped");
                case FAILED -> count("webhooks unanswered");
                case ANSWERED -> count("webhooks answered " + f.status());
            }
        }
    }

    private synchronized void count(String what) {
        counts.merge(what, 1, Integer::sum);
    }

    /** Every lead the script deleted (added before the deletion). */
    Set<String> deleted() {
        return deleted;
    }

    /** How often each thing happened: created, changed, deleted, webhooks dropped/unanswered/answered STATUS. */
    synchronized Map<String, Integer> counts() {
        return new TreeMap<>(counts);
    }
}
