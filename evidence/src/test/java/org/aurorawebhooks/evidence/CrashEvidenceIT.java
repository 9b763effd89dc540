package org.aurorawebhooks.evidence;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.evidence.EventAudit.Figures;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 9, item 1: a 200 means the delivery is committed, even when the process dies the next instant. The
 * sample ({@code aurora-sample.jar}, demo off: only this test's traffic arrives) runs as its own JVM on a fresh
 * database; {@value #CLIENTS} clients send {@value #DELIVERIES} unique deliveries of every event type (lead
 * and agreement events, which the sample's {@code SampleHandler} handles, more often), each retried until
 * acknowledged, as Aurora does. Meanwhile the sample is killed with SIGKILL {@value #KILLS} times, after a
 * random number of acknowledgements (between 5 % and 85 % of the load): two kills the instant a client
 * receives that 200, two a random moment (up to 200 ms) later. It is restarted each time on the same database
 * and port; the clients keep retrying across the restarts.
 *
 * <p>Then: every acknowledged delivery is in {@code aurora_webhook_events} exactly as sent, in the row its 200
 * named (see {@link EventAudit}); copies from attempts whose answer the kill swallowed are allowed
 * (at-least-once) and counted. And every committed event that the sample's handler takes has exactly one
 * handler delivery, done: none lost, none stuck or dead after the last restart; and the handler's own log
 * shows it was called for each (see {@link #unhandled}). The figures go to
 * {@code aurora.evidence.dir}/crash-DB.md. The run's seed is in every failure message.
 */
class CrashEvidenceIT {
    static final int DELIVERIES = 5_000;
    static final int CLIENTS = 8;
    static final int KILLS = 4;
    private static final String HEADER = "X-Aurora-Token";
    /** The handler the sample registers through its META-INF/services. */
    private static final String SAMPLE_HANDLER_CLASS = "org.aurorawebhooks.sample.SampleHandler";
    /** What {@code SampleHandler} logs for a lead event, and for an agreement signed. */
    private static final Pattern LEAD_CALL = Pattern.compile("sample: (lead_[a-z_]+) for lead (\\S+) \\(lead events handled");
    private static final Pattern SIGNED_CALL = Pattern.compile("sample: signed agreement for project (\\S+) -> start onboarding");

    /** Generous: the load takes seconds to a minute; on a machine shared with other builds, several. */
    private static final Duration LOAD_DEADLINE = Duration.ofMinutes(10);
    /**
     * Calls a killed node had claimed are taken over once their claim expires (aurora.handlers.timeout plus a
     * grace as long, at least 5 s): 10 s here; the backlog then drains. Minutes allow for a loaded machine.
     */
    private static final Duration HANDLER_DEADLINE = Duration.ofMinutes(5);

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void everyAcknowledgedDeliverySurvivesKill9AndEveryCommittedEventIsHandled(Kind kind) throws Exception {
        long started = System.nanoTime();
        Map<String, String> db = TestDatabases.fresh(kind);
        String url = db.get("aurora.db.url");
        String dbName = kind.name().toLowerCase(Locale.ROOT);
        long seed = new SecureRandom().nextLong();
        String runTag = "crash-" + dbName + "-" + Long.toHexString(seed);
        Random random = new Random(seed);
        List<Delivery> deliveries = Delivery.generate(runTag, DELIVERIES, Delivery.weightedEvents(), seed,
                a -> Delivery.idPool(a, 100, seed));

        String token = TestSecrets.fresh("crash-webhook");
        Map<String, String> properties = new LinkedHashMap<>(db);
        properties.put("aurora.sample.demo", "false"); // no simulated Aurora, no demo traffic: only ours
        properties.put("aurora.webhooks.auth.header-name", HEADER);
        // A killed node's handler claims expire after the timeout plus as long again (10 s), not the default 90 s.
        properties.put("aurora.handlers.timeout", "PT5S");
        // Longer than the run, so that every copy of a delivery is marked a repeat of its first row, however slow.
        properties.put("aurora.webhooks.repeat-window", "PT1H");
        SampleProcess sample = new SampleProcess("crash-" + dbName, List.of(), properties,
                Map.of("AURORA_WEBHOOKS_AUTH_HEADER_VALUE", token));
        RetryingClients clients = new RetryingClients(deliveries, seq -> sample.baseUrl(), HEADER, token, CLIENTS);
        String context = "seed " + seed + ", " + kind + " at " + url + ", sample logs " + TestSecrets.logFile("");
        List<Integer> killedAt = new ArrayList<>();
        List<HandlerDeliveryRow> handled;
        try {
            sample.start();
            List<Integer> points = killPoints(random);
            // Half the kills land the instant a client got its 200 (on that client's thread, before it sends
            // anything else): a store that answered before its commit is caught with the commit still in
            // flight. The others land anywhere in the requests' lives.
            clients.onAck(n -> {
                if (n == points.get(0) || n == points.get(2)) {
                    sample.sendKill();
                }
            });
            clients.start();
            for (int i = 0; i < points.size(); i++) {
                awaitAcknowledged(clients, points.get(i), context);
                if (i % 2 == 1) {
                    Thread.sleep(random.nextInt(200));
                }
                killedAt.add(clients.acknowledged());
                sample.kill9();
                assertTrue(killedAt.get(killedAt.size() - 1) < DELIVERIES, "a kill came after the load had ended: "
                        + killedAt + "; " + context);
                sample.start();
            }
            assertTrue(clients.await(LOAD_DEADLINE), "the clients did not get every delivery acknowledged within "
                    + LOAD_DEADLINE + ": " + clients.acknowledged() + " of " + DELIVERIES + "; " + context + "\n" + sample.tail());
            assertNull(clients.fatal(), context);
            handled = awaitHandlers(url, context, sample);
        } finally {
            clients.stop();
            sample.stop();
        }

        List<StoredEvent> rows = StoredEvent.readAll(url);
        Figures figures = EventAudit.audit(deliveries, clients.acks(), rows);
        HandlerFigures handlerFigures = handlerFigures(rows, handled, sample.logs());
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        EvidenceFigures.write("crash-" + dbName, List.of("database", "deliveries (clients)", "kill -9 (acknowledged at each)",
                        "acknowledged", "stored rows", "lost", "stored, never acknowledged", "attempts (refused or reset, 503)",
                        "handler deliveries done", "done after more than one attempt", "handler problems", "wall time"),
                List.of(kind.name(), DELIVERIES + " (" + CLIENTS + ")", KILLS + " " + killedAt,
                        Integer.toString(figures.acknowledged()), Integer.toString(figures.storedRows()),
                        Integer.toString(figures.lost()), Integer.toString(figures.storedNotAcknowledged()),
                        clients.attempts() + " (" + clients.unreachable() + ", " + clients.unavailable() + ")",
                        Integer.toString(handlerFigures.done()), Integer.toString(handlerFigures.calledAgain()),
                        Integer.toString(handlerFigures.problems().size()), seconds + " s"));

        assertAll(
                () -> assertEquals(KILLS + 1, sample.starts(), context),
                () -> assertEquals(DELIVERIES, figures.acknowledged(), "every delivery acknowledged in the end; " + context),
                () -> assertTrue(figures.clean(), "every acknowledged delivery stored exactly as sent: " + figures.describe()
                        + "; " + context),
                () -> assertEquals(figures.acknowledged() + figures.storedNotAcknowledged(), figures.storedRows(), context),
                () -> assertTrue(handlerFigures.problems().isEmpty(), "every committed event handled, none lost, stuck or "
                        + "dead: " + handlerFigures.problems().size() + " problems, first: "
                        + handlerFigures.problems().subList(0, Math.min(20, handlerFigures.problems().size())) + "; " + context));
    }

    /** {@value #KILLS} distinct acknowledged counts, between 5 % and 85 % of the load, at least 100 apart. */
    private static List<Integer> killPoints(Random random) {
        TreeSet<Integer> points = new TreeSet<>();
        while (points.size() < KILLS) {
            int p = DELIVERIES / 20 + random.nextInt(DELIVERIES * 80 / 100);
            Integer below = points.floor(p);
            Integer above = points.ceiling(p);
            if ((below == null || p - below >= 100) && (above == null || above - p >= 100)) {
                points.add(p);
            }
        }
        return List.copyOf(points);
    }

    private static void awaitAcknowledged(RetryingClients clients, int count, String context) throws InterruptedException {
        long deadline = System.nanoTime() + LOAD_DEADLINE.toNanos();
        while (clients.acknowledged() < count) {
            if (clients.fatal() != null) {
                fail(clients.fatal() + "; " + context);
            }
            if (System.nanoTime() > deadline) {
                fail("waited " + LOAD_DEADLINE + " for " + count + " acknowledged deliveries, saw " + clients.acknowledged()
                        + "; " + context);
            }
            Thread.sleep(5);
        }
    }

    /**
     * Waits until the sample's handler has no delivery pending (waiting, running or retrying) any more, and
     * returns every handler delivery row.
     */
    private static List<HandlerDeliveryRow> awaitHandlers(String url, String context, SampleProcess sample)
            throws Exception {
        long deadline = System.nanoTime() + HANDLER_DEADLINE.toNanos();
        Map<String, Integer> counts = Map.of();
        while (System.nanoTime() < deadline) {
            counts = HandlerDeliveryRow.countByStatus(url);
            if (!counts.isEmpty() && !counts.containsKey("pending")) {
                return HandlerDeliveryRow.readAll(url);
            }
            assertTrue(sample.isAlive(), "the sample died: " + sample.tail());
            Thread.sleep(1000);
        }
        fail("handler deliveries still pending after " + HANDLER_DEADLINE + " since the load ended: " + counts + "; "
                + context + "\n" + sample.tail());
        return List.of();
    }

    /** What the handler side shows: deliveries done, those called again after a kill, and every breach. */
    private record HandlerFigures(int done, int calledAgain, List<String> problems) {
    }

    /**
     * Each event row the sample's handler accepts has exactly one delivery of it, done; no other event has
     * one; no other handler is registered (demo off). And the handler really ran: see {@link #unhandled}.
     */
    private static HandlerFigures handlerFigures(List<StoredEvent> events, List<HandlerDeliveryRow> deliveries,
                                                 List<Path> logs) throws ReflectiveOperationException, IOException {
        AuroraEventHandler sampleHandler = SampleProcess.sampleHandler(SAMPLE_HANDLER_CLASS);
        String name = sampleHandler.name();
        Map<Long, List<HandlerDeliveryRow>> byEvent = new HashMap<>();
        List<String> problems = new ArrayList<>();
        int done = 0;
        int calledAgain = 0;
        for (HandlerDeliveryRow d : deliveries) {
            if (!d.handler().equals(name)) {
                problems.add("delivery " + d.id() + " is for handler " + d.handler() + ", which the sample without demo does not have");
                continue;
            }
            byEvent.computeIfAbsent(d.eventId(), k -> new ArrayList<>()).add(d);
            if (d.status().equals("done")) {
                done++;
                if (d.attempts() > 1) {
                    calledAgain++; // its node died mid-call or before the done mark (or it timed out): made again
                }
            } else {
                problems.add("delivery " + d.id() + " of event " + d.eventId() + " is " + d.status() + " after "
                        + d.attempts() + " attempts");
            }
        }
        for (StoredEvent e : events) {
            int n = byEvent.getOrDefault(e.id(), List.of()).size();
            int expected = sampleHandler.accepts(e.eventType()) ? 1 : 0;
            if (n != expected) {
                problems.add("event " + e.id() + " (" + e.eventType() + ") has " + n + " handler deliveries, expected " + expected);
            }
            byEvent.remove(e.id());
        }
        byEvent.keySet().forEach(id -> problems.add("handler deliveries of event " + id + ", which is not in the table"));
        problems.addAll(unhandled(events, logs));
        return new HandlerFigures(done, calledAgain, problems);
    }

    /**
     * A "done" mark proves nothing about the call itself; the sample's handler leaves a log line per call of a
     * lead event (its type and lead) and of a signed agreement (its project). Across every start's log there
     * must be at least as many such lines as there are recorded events of each kind: more when a node died
     * between a call and its done mark, and the call was made again.
     */
    private static List<String> unhandled(List<StoredEvent> events, List<Path> logs) throws IOException {
        Map<String, Integer> calls = new HashMap<>();
        for (Path log : logs) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher lead = LEAD_CALL.matcher(line);
                Matcher signed = SIGNED_CALL.matcher(line);
                if (lead.find()) {
                    calls.merge(lead.group(1) + " of lead " + lead.group(2), 1, Integer::sum);
                } else if (signed.find()) {
                    calls.merge("signed agreement of project " + signed.group(1), 1, Integer::sum);
                }
            }
        }
        Map<String, Integer> expected = new TreeMap<>();
        for (StoredEvent e : events) {
            if (e.eventType().startsWith("lead_")) {
                expected.merge(e.eventType() + " of lead " + e.attributes().get("lead_id"), 1, Integer::sum);
            } else if (e.eventType().equals("agreement_status_changed") && "signed".equals(e.attributes().get("status"))) {
                expected.merge("signed agreement of project " + e.attributes().get("project_id"), 1, Integer::sum);
            }
        }
        List<String> problems = new ArrayList<>();
        expected.forEach((key, n) -> {
            int seen = calls.getOrDefault(key, 0);
            if (seen < n) {
                problems.add(n + " recorded event(s) " + key + " but the handler logged " + seen + " call(s)");
            }
        });
        return problems;
    }
}
