package org.aurorawebhooks.sample;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.simulator.SimulatedAurora;

/**
 * The demo's traffic: what an installer's Aurora tenant sends in a busy hour, told as stories that thread
 * the same ids from one event to the next, so that the deliveries recorded (and a handler's subjects)
 * make sense together. A story starts with a lead being captured ({@code lead_created}) and estimated;
 * some leads go no further (they are changed now and then), the others are converted into a project, which
 * gets its AHJ, a consumption profile, a design request, designs with their jobs (AutoDesigner, irradiance,
 * fire pathways, performance simulation), an asset and a web proposal, then an agreement that is sent,
 * viewed and signed (or declined, and the project is deleted now and then), a site survey, a plan set and
 * its status, and the project's statuses. Now and then a partner app is enabled or disabled. Over a few
 * minutes all 26 events of the catalogue are sent.
 *
 * <p>Only lead deliveries are dropped (a fifth of them, at random), because those are what the lead sync
 * and the reconciler repair; the first lead of a run is captured while its webhook is lost, and no later
 * event touches it, so that the first reconcile always has a lead to find. Every decision comes from a
 * seeded {@link Random}, so two runs tell the same stories (the simulated Aurora picks the lead ids).
 *
 * <p>Not thread-safe: {@link #tick()} is called from the demo's one thread.
 */
final class DemoStories {
    /** The share of lead deliveries the simulated Aurora drops. */
    static final double LEAD_DROP_SHARE = 0.2;
    /** Stories told at once. */
    private static final int MAX_STORIES = 3;
    /** Ids that stay with a story from one event to the next; job and asset ids are new each time. */
    private static final Set<String> THREADED = Set.of("lead_id", "project_id", "design_id", "design_request_id",
            "agreement_id", "ahj_id", "site_survey_request_id", "site_survey_id", "plan_set_request_id");

    private final SimulatedAurora aurora;
    private final Random random;
    private final List<Story> stories = new ArrayList<>();
    private final Map<String, Integer> sent = new HashMap<>();
    private long ticks;
    private boolean appEnabled;

    DemoStories(SimulatedAurora aurora, long seed) {
        this.aurora = aurora;
        this.random = new Random(seed);
    }

    /**
     * One beat of the demo (the sample calls it every second): the first time, a lead whose webhook is
     * lost; each time, a new story when fewer than three are told, and the next event of most stories.
     */
    void tick() {
        ticks++;
        if (ticks == 1) {
            captureLostLead();
        }
        if (ticks % 40 == 5) {
            appEnabled = !appEnabled;
            fire("app_status_changed", Map.of("status", appEnabled ? "enabled" : "disabled"), new HashMap<>());
        }
        if (stories.size() < MAX_STORIES && (stories.isEmpty() || random.nextDouble() < 0.35)) {
            stories.add(random.nextDouble() < 0.3 ? leadOnly() : project());
        }
        for (Iterator<Story> it = stories.iterator(); it.hasNext(); ) {
            Story story = it.next();
            if (random.nextDouble() < 0.7) {
                story.steps.removeFirst().run();
                if (story.steps.isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    /** How many deliveries of each event the demo asked the simulated Aurora to send (dropped ones too). */
    Map<String, Integer> sent() {
        return Map.copyOf(sent);
    }

    /** A lead captured while its lead_created is lost on the way; nothing else happens to it. */
    private void captureLostLead() {
        aurora.dropShare(1.0);
        try {
            aurora.createLead();
        } finally {
            aurora.dropShare(LEAD_DROP_SHARE);
        }
        count("lead_created");
    }

    /** A lead that is captured, estimated and changed, and not (yet) converted. */
    private Story leadOnly() {
        Story s = new Story();
        s.steps.add(() -> createLead(s));
        s.steps.add(() -> fire("lead_solar_estimation_job_completed", Map.of("status", status(0.9)), s.ids));
        for (int i = random.nextInt(3); i > 0; i--) {
            s.steps.add(() -> changeLead(s));
        }
        return s;
    }

    /** A lead that becomes a project, designed, sold (mostly) and built. */
    private Story project() {
        Story s = new Story();
        Deque<Runnable> st = s.steps;
        st.add(() -> createLead(s));
        st.add(() -> fire("lead_solar_estimation_job_completed", Map.of("status", status(0.9)), s.ids));
        st.add(() -> changeLead(s));
        st.add(() -> fire("lead_converted", Map.of(), s.ids));
        st.add(() -> fire("project_created", Map.of(), s.ids));
        st.add(() -> fire("ahj_lookup_completed", Map.of("status", status(0.9)), s.ids));
        st.add(() -> fire("consumption_profile_changed", Map.of(), s.ids));
        st.add(() -> fire("project_changed", Map.of("source", "app", "attributes", "customer_email,customer_phone"), s.ids));
        st.add(() -> fire("project_status_changed", Map.of("status", "Remote Assessment Completed"), s.ids));
        st.add(() -> fire("design_request_created", Map.of(), s.ids));
        if (random.nextDouble() < 0.25) {
            st.add(() -> fire("design_request_rejected", Map.of("status", "rejected"), s.ids));
            st.add(() -> {
                s.ids.remove("design_request_id");
                fire("design_request_created", Map.of(), s.ids);
            });
        }
        st.add(() -> fire("design_request_completed", Map.of("status", "completed"), s.ids));
        st.add(() -> fire("design_created", Map.of("source", "expert_design_service"), s.ids));
        st.add(() -> fire("auto_designer_job_completed", Map.of("status", status(0.95)), s.ids));
        st.add(() -> fire("panel_irradiance_analysis_job_completed", Map.of("status", status(0.95)), s.ids));
        st.add(() -> fire("fire_pathway_placement_job_completed", Map.of("status", status(0.95)), s.ids));
        st.add(() -> fire("performance_simulation_job_completed", Map.of("status", status(0.95)), s.ids));
        if (random.nextDouble() < 0.5) {
            // A designer tries an alternative and throws it away.
            Map<String, String> alternative = new HashMap<>();
            st.add(() -> {
                alternative.put("project_id", s.ids.get("project_id"));
                fire("design_created", Map.of("source", "app"), alternative);
            });
            st.add(() -> fire("design_deleted", Map.of(), alternative));
        }
        st.add(() -> fire("asset_created", Map.of(), s.ids));
        st.add(() -> fire("web_proposal_url_created", Map.of(), s.ids));
        st.add(() -> fire("project_status_changed", Map.of("status", "Proposal"), s.ids));
        st.add(() -> fire("agreement_status_changed", Map.of("status", "sent"), s.ids));
        st.add(() -> fire("agreement_status_changed", Map.of("status", "viewed"), s.ids));
        if (random.nextDouble() < 0.2) {
            st.add(() -> fire("agreement_status_changed", Map.of("status", "declined"), s.ids));
            if (random.nextBoolean()) {
                st.add(() -> fire("project_deleted", Map.of(), s.ids));
            }
            return s;
        }
        st.add(() -> fire("agreement_status_changed", Map.of("status", "signed"), s.ids));
        st.add(() -> fire("project_status_changed", Map.of("status", "Sold"), s.ids));
        st.add(() -> fire("site_survey_requested", Map.of(), s.ids));
        st.add(() -> fire("site_survey_status_changed", Map.of("status", "completed"), s.ids));
        st.add(() -> fire("plan_set_request_status_changed", Map.of("status", "submitted"), s.ids));
        if (random.nextDouble() < 0.2) {
            st.add(() -> fire("plan_set_request_status_changed", Map.of("status", "rejected"), s.ids));
            st.add(() -> fire("plan_set_request_status_changed", Map.of("status", "submitted"), s.ids));
        }
        st.add(() -> fire("plan_set_request_status_changed", Map.of("status", "completed"), s.ids));
        st.add(() -> fire("project_status_changed", Map.of("status", "Installed"), s.ids));
        return s;
    }

    private void createLead(Story s) {
        aurora.dropShare(LEAD_DROP_SHARE);
        s.ids.put("lead_id", aurora.createLead());
        count("lead_created");
    }

    private void changeLead(Story s) {
        aurora.dropShare(LEAD_DROP_SHARE);
        aurora.changeLead(s.ids.get("lead_id"));
        count("lead_changed");
    }

    private String status(double success) {
        return random.nextDouble() < success ? "succeeded" : "failed";
    }

    /**
     * Fires {@code event} with the story's ids where the event has them (new ones are kept for the next
     * events), then {@code values}, the rest generated; a lead event may be dropped on the way.
     */
    private void fire(String event, Map<String, String> values, Map<String, String> ids) {
        EventType type = EventCatalog.aurora().find(event).orElseThrow();
        Map<String, String> overrides = new LinkedHashMap<>();
        for (Attribute attribute : type.attributes()) {
            String id = ids.get(attribute.parameter());
            if (id != null) {
                overrides.put(attribute.parameter(), id);
            }
        }
        overrides.putAll(values);
        Map<String, String> sentValues = aurora.eventValues(event, overrides);
        sentValues.forEach((name, value) -> {
            if (THREADED.contains(name)) {
                ids.putIfAbsent(name, value);
            }
        });
        aurora.dropShare(type.isLeadEvent() ? LEAD_DROP_SHARE : 0.0);
        aurora.fireWebhooks(event, sentValues);
        count(event);
    }

    private void count(String event) {
        sent.merge(event, 1, Integer::sum);
    }

    /** A story's remaining events and the ids it has so far. */
    private static final class Story {
        final Deque<Runnable> steps = new ArrayDeque<>();
        final Map<String, String> ids = new HashMap<>();
    }
}
