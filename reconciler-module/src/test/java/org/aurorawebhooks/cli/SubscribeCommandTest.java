package org.aurorawebhooks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.aurorawebhooks.catalog.Attribute;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.sync.Testbed;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.api.Test;

class SubscribeCommandTest {

    @Test
    void subscribeCreatesOnePerEventThatTheFilterAcceptsAndASecondRunChangesNothing() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            Map<String, String> config = new HashMap<>(bed.config);
            // The testbed already subscribed lead_created and lead_changed with the same templates and token.
            int before = bed.aurora.subscriptions().size();
            assertEquals(2, before);

            CliRun first = CliRun.run(config, "subscribe", "--url", bed.app.baseUrl());
            assertEquals(0, first.exitCode(), first.err());
            assertTrue(first.out().contains("24 created, 0 updated, 2 unchanged"), first.out());
            assertEquals(26, bed.aurora.subscriptions().size());

            CliRun second = CliRun.run(config, "subscribe", "--url", bed.app.baseUrl());
            assertEquals(0, second.exitCode(), second.err());
            assertTrue(second.out().contains("0 created, 0 updated, 26 unchanged"), second.out());
            assertEquals(26, bed.aurora.subscriptions().size());

            // Every subscription, fired as Aurora would fill its template, is accepted and recorded.
            long rowsBefore = rows(bed);
            int ours = 0;
            for (ObjectNode sub : bed.aurora.subscriptions()) {
                String template = sub.get("url_template").asText();
                if (!template.startsWith(bed.app.baseUrl() + "/aurora/webhooks/")) {
                    continue;
                }
                ours++;
                EventType event = EventCatalog.aurora().find(sub.get("event").asText()).orElseThrow();
                int status = bed.aurora.deliver(template, sampleValues(event), sub.get("header_auth_key").asText(),
                        sub.get("header_auth_value").asText());
                assertEquals(200, status, template);
            }
            assertEquals(26, ours);
            assertEquals(rowsBefore + ours, rows(bed));
        }
    }

    @Test
    void changedCredentialUpdatesTheSubscriptions() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            Map<String, String> config = new HashMap<>(bed.config);
            assertEquals(0, CliRun.run(config, "subscribe", "--url", bed.app.baseUrl(), "--events", "lead_converted,design_created").exitCode());
            String rotated = TestSecrets.fresh("webhook-token-new");
            config.put("aurora.webhooks.auth.header-value", rotated);
            CliRun run = CliRun.run(config, "subscribe", "--url", bed.app.baseUrl(), "--events", "lead_converted,design_created");
            assertTrue(run.out().contains("0 created, 2 updated, 0 unchanged"), run.out());
            assertTrue(!run.out().contains(rotated), "the token is not printed");
            assertEquals(2, CliRun.runRaw("subscribe", "--url", "x", "--events", "design_deleted").exitCode());
        }
    }

    @Test
    void subscribeWithoutACredentialIsRefusedWithExit2NamingTheKeysAndCreatesNothing() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            Map<String, String> config = withoutWebhookCredential(bed);
            CliRun run = CliRun.run(config, "subscribe", "--url", "https://crm.example.com/app");
            assertEquals(2, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains("no webhook credential is configured") && run.err().contains("aurora.webhooks.auth.header-name")
                    && run.err().contains("aurora.webhooks.auth.header-value") && run.err().contains("--no-credential"), run.err());
            assertEquals(2, bed.aurora.subscriptions().size());
        }
    }

    @Test
    void noCredentialFlagSubscribesWithoutOneAndSaysWhatThatMeans() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            CliRun run = CliRun.run(withoutWebhookCredential(bed), "subscribe", "--url", "https://crm.example.com/app",
                    "--events", "design_deleted", "--no-credential");
            assertEquals(0, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("aurora.webhooks.auth.disabled=true"), run.out());
            assertTrue(run.out().contains("1 created, 0 updated, 0 unchanged"), run.out());
            ObjectNode created = bed.aurora.subscriptions().get(2);
            assertTrue(created.get("url_template").asText().startsWith("https://crm.example.com/app/aurora/webhooks/design_deleted?"),
                    created.toString());
            assertTrue(created.path("header_auth_key").isMissingNode() || created.path("header_auth_key").isNull(), created.toString());

            // With a credential configured the flag contradicts it.
            CliRun contradiction = CliRun.run(bed.config, "subscribe", "--url", "https://crm.example.com/app", "--no-credential");
            assertEquals(2, contradiction.exitCode());
            assertTrue(contradiction.err().contains("--no-credential: a webhook credential is configured"), contradiction.err());
        }
    }

    @Test
    void subscribeNamesTheOtherBaseUrlsSubscribedToTheSameEvents() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            CliRun run = CliRun.run(bed.config, "subscribe", "--url", "https://new.example.com/app",
                    "--events", "lead_created,lead_changed,design_created");
            assertEquals(0, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("3 created, 0 updated, 0 unchanged"), run.out());
            assertTrue(run.out().contains("also subscribed to these events, so Aurora sends each of their deliveries there too:\n  "
                    + bed.app.baseUrl() + ": 2 event(s) (lead_changed, lead_created); remove with: unsubscribe --url "
                    + bed.app.baseUrl() + "\n"), run.out());

            CliRun alone = CliRun.run(bed.config, "subscribe", "--url", "https://new.example.com/app", "--events", "design_created");
            assertTrue(alone.out().contains("no other URL is subscribed to these events"), alone.out());

            // A subscription subscribe did not make is named, but not with an unsubscribe that would leave it.
            bed.api().createWebhook(new org.aurorawebhooks.api.Subscription(null, "design_created",
                    "https://other.example.com/hook?lead_id=<LEAD_ID>", "", true, null, null));
            CliRun foreign = CliRun.run(bed.config, "subscribe", "--url", "https://new.example.com/app", "--events", "design_created");
            assertTrue(foreign.out().contains("also subscribed to these events, so Aurora sends each of their deliveries there too:\n"
                    + "  https://other.example.com/hook: 1 event(s) (design_created); not made by subscribe (not "
                    + "BASE_URL/aurora/webhooks/EVENT), so unsubscribe leaves it: delete it with Aurora's webhook API\n"), foreign.out());
        }
    }

    @Test
    void subscriptionsListsEachWithItsAuthButNeverTheHeaderValueAndMasksUrlCredentials() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            Map<String, String> basic = withoutWebhookCredential(bed);
            basic.put("aurora.webhooks.auth.basic-username", "aurora");
            String password = TestSecrets.fresh("webhook-password");
            String queryToken = TestSecrets.fresh("query-token");
            basic.put("aurora.webhooks.auth.basic-password", password);
            assertEquals(0, CliRun.run(basic, "subscribe", "--url", "https://crm.example.com", "--events", "design_deleted").exitCode());
            bed.api().createWebhook(new org.aurorawebhooks.api.Subscription(null, "design_deleted",
                    "https://other.example.com/hook?lead_id=<LEAD_ID>&token=" + queryToken, "", true, null, null));

            CliRun run = CliRun.run(bed.config, "subscriptions");
            assertEquals(0, run.exitCode(), run.out() + run.err());
            String out = run.out();
            assertTrue(out.startsWith("Aurora API: " + bed.aurora.baseUrl() + ", tenant " + bed.aurora.tenantId() + "\n"), out);
            assertTrue(out.contains("header " + Testbed.TOKEN_HEADER), out);
            assertTrue(out.contains("lead_created"), out);
            assertTrue(out.contains("https://aurora:****@crm.example.com/aurora/webhooks/design_deleted?"), out);
            assertTrue(out.contains("basic (in the URL)"), out);
            assertTrue(out.contains("https://other.example.com/hook?lead_id=<LEAD_ID>&token=****"), out);
            assertTrue(out.contains("4 subscription(s)"), out);
            assertTrue(out.contains("design_deleted has 2 enabled subscriptions: Aurora sends each of its deliveries 2 times"), out);
            for (String secret : List.of(Testbed.TOKEN, password, queryToken)) {
                assertTrue(!out.contains(secret) && !run.err().contains(secret), secret + " is printed: " + out);
            }
        }
    }

    @Test
    void unsubscribeRemovesOnlyTheSubscriptionsOfThatBaseUrlAndPrintsThem() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            assertEquals(0, CliRun.run(bed.config, "subscribe", "--url", "https://new.example.com/app",
                    "--events", "lead_created,lead_changed").exitCode());
            assertEquals(4, bed.aurora.subscriptions().size());

            CliRun run = CliRun.run(bed.config, "unsubscribe", "--url", bed.app.baseUrl() + "/");
            assertEquals(0, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("removed 1 lead_created " + bed.app.baseUrl() + "/aurora/webhooks/lead_created?"), run.out());
            assertTrue(run.out().contains("removed 2 lead_changed " + bed.app.baseUrl() + "/aurora/webhooks/lead_changed?"), run.out());
            assertTrue(run.out().contains("unsubscribed: 2 removed, 0 already gone, 2 left pointing elsewhere"), run.out());
            List<String> left = bed.aurora.subscriptions().stream().map(n -> n.get("url_template").asText()).toList();
            assertEquals(2, left.size());
            assertTrue(left.stream().allMatch(t -> t.startsWith("https://new.example.com/app/aurora/webhooks/")), left.toString());

            CliRun again = CliRun.run(bed.config, "unsubscribe", "--url", bed.app.baseUrl());
            assertEquals(0, again.exitCode());
            assertTrue(again.out().contains("no subscription points at " + bed.app.baseUrl() + "/aurora/webhooks/ (2 subscription(s) in all"),
                    again.out());
            // A sibling path is not "under" the base URL.
            assertEquals(0, CliRun.run(bed.config, "unsubscribe", "--url", "https://new.example.com/ap").exitCode());
            assertEquals(2, bed.aurora.subscriptions().size());
            // Deleting one that is already gone is not an error: Aurora's 404 reads as "already gone".
            String id = bed.aurora.subscriptions().get(0).get("id").asText();
            assertTrue(bed.api().deleteWebhook(id));
            assertFalse(bed.api().deleteWebhook(id));
            assertEquals(1, bed.aurora.subscriptions().size());
        }
    }

    @Test
    void subscribeRefusesABaseUrlThatEndsWithTheWebhookPathWithExit2InOneLineAndCreatesNothing() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            CliRun run = CliRun.run(bed.config, "subscribe", "--url", bed.app.baseUrl() + "/aurora/webhooks/",
                    "--events", "lead_created");
            assertEquals(2, run.exitCode(), run.out() + run.err());
            assertEquals("aurora-reconciler: --url: \"" + bed.app.baseUrl() + "/aurora/webhooks/\" ends with the webhook path "
                    + "/aurora/webhooks (aurora.webhooks.path); pass the app's base URL including its context path, "
                    + "without the webhook path, e.g. " + bed.app.baseUrl() + "\n", run.err());
            assertEquals(2, bed.aurora.subscriptions().size(), "only the testbed's own two");
        }
    }

    @Test
    void unsubscribeRemovesOnlyWhatSubscribeMadeForThatBaseUrlNotWhatLiesUnderALongerOrShorterOne() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            assertEquals(0, CliRun.run(bed.config, "subscribe", "--url", bed.app.baseUrl()).exitCode());
            assertEquals(26, bed.aurora.subscriptions().size());
            // What the mistaken subscribe --url BASE/aurora/webhooks made before it was refused.
            String mistaken = bed.app.baseUrl() + "/aurora/webhooks/aurora/webhooks/lead_created";
            bed.api().createWebhook(new org.aurorawebhooks.api.Subscription(null, "lead_created", mistaken, "", true,
                    Testbed.TOKEN_HEADER, Testbed.TOKEN));

            CliRun run = CliRun.run(bed.config, "unsubscribe", "--url", bed.app.baseUrl() + "/aurora/webhooks");
            assertEquals(0, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("unsubscribed: 1 removed, 0 already gone, 26 left pointing elsewhere"), run.out());
            List<String> left = templates(bed);
            assertEquals(26, left.size());
            assertFalse(left.contains(mistaken), left.toString());
            assertTrue(left.stream().allMatch(t -> t.startsWith(bed.app.baseUrl() + "/aurora/webhooks/")
                    && !t.startsWith(bed.app.baseUrl() + "/aurora/webhooks/aurora/")), left.toString());

            // The host without the context path (/app) is a shorter base URL: nothing of /app is its.
            String host = bed.app.baseUrl().substring(0, bed.app.baseUrl().length() - "/app".length());
            CliRun shorter = CliRun.run(bed.config, "unsubscribe", "--url", host);
            assertEquals(0, shorter.exitCode(), shorter.out() + shorter.err());
            assertTrue(shorter.out().contains("no subscription points at " + host + "/aurora/webhooks/ (26 subscription(s) in all"),
                    shorter.out());
            assertEquals(26, bed.aurora.subscriptions().size());
        }
    }

    private static List<String> templates(Testbed bed) {
        return bed.aurora.subscriptions().stream().map(n -> n.get("url_template").asText()).toList();
    }

    @Test
    void subscribeSubscriptionsAndUnsubscribeLeaveNoThreadOfTheirApiClientAlive() throws Exception {
        try (Testbed bed = Testbed.start(Kind.SQLITE)) {
            assertEquals(List.of(), threadsLeftBy(bed.config, "subscribe", "--url", "https://new.example.com/app",
                    "--events", "design_created"));
            assertEquals(List.of(), threadsLeftBy(bed.config, "subscriptions"));
            assertEquals(List.of(), threadsLeftBy(bed.config, "unsubscribe", "--url", "https://new.example.com/app"));
            assertEquals(2, bed.aurora.subscriptions().size(), "each command did its work");
        }
    }

    /**
     * Runs the CLI on a thread of a group of its own, so that every thread the command starts (and the
     * threads those start) lands in that group, apart from threads of the testbed running meanwhile;
     * returns the names of the HTTP client and library threads still alive once it has returned.
     */
    private static List<String> threadsLeftBy(Map<String, String> config, String... args) throws Exception {
        ThreadGroup group = new ThreadGroup("cli-" + args[0]);
        AtomicReference<CliRun> run = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread cli = new Thread(group, () -> {
            try {
                run.set(CliRun.run(config, args));
            } catch (Exception e) {
                failure.set(e);
            }
        }, "cli-" + args[0]);
        cli.start();
        cli.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        assertEquals(0, run.get().exitCode(), run.get().out() + run.get().err());
        Thread[] threads = new Thread[group.activeCount() + 16];
        int n = group.enumerate(threads, true);
        List<String> left = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = threads[i].getName();
            if (threads[i].isAlive() && (name.startsWith("HttpClient-") || name.startsWith("aurora-"))) {
                left.add(name);
            }
        }
        return left;
    }

    private static Map<String, String> withoutWebhookCredential(Testbed bed) {
        Map<String, String> config = new HashMap<>(bed.config);
        config.remove("aurora.webhooks.auth.header-name");
        config.remove("aurora.webhooks.auth.header-value");
        return config;
    }

    private static long rows(Testbed bed) {
        return bed.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_webhook_events").mapTo(Long.class).one());
    }

    private static Map<String, String> sampleValues(EventType event) {
        Map<String, String> values = new HashMap<>();
        for (Attribute a : event.attributes()) {
            values.put(a.parameter(), switch (a.kind()) {
                case ID -> UUID.randomUUID().toString();
                case TEXT -> event.documentedValues(a).isEmpty() ? "In review" : event.documentedValues(a).iterator().next();
                case ATTRIBUTE_LIST -> String.join(",", List.of("status", "name"));
            });
        }
        return values;
    }
}
