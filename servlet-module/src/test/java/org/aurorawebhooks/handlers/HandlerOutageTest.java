package org.aurorawebhooks.handlers;

import static org.aurorawebhooks.handlers.HandlerTests.await;
import static org.aurorawebhooks.handlers.HandlerTests.leadEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventWriter;
import org.aurorawebhooks.testing.TcpProxy;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.api.Test;

/** The dispatcher's database goes away and comes back: nothing is lost, the poller keeps going without a restart. */
class HandlerOutageTest {
    @Test
    void deliveriesQueuedWhileTheDispatchersDatabaseIsUnreachableArePerformedOnceItIsBack() throws Exception {
        Map<String, String> direct = TestDatabases.fresh(Kind.POSTGRESQL);
        URI target = URI.create(direct.get("aurora.db.url").substring("jdbc:".length()));
        HandlerTests.Tracker tracker = new HandlerTests.Tracker();
        HandlerRegistry registry = new HandlerRegistry();
        registry.add(new HandlerTests.Tracking("crm", tracker, 0), "test");
        Map<String, List<Long>> recorded = new TreeMap<>();
        try (TcpProxy proxy = new TcpProxy(target.getHost(), target.getPort());
             Database ingest = HandlerTests.open(direct);
             Database dispatch = HandlerTests.open(proxied(direct, target, proxy));
             EventWriter writer = new EventWriter(ingest, Duration.ofMinutes(5), Clock.systemUTC(), registry);
             HandlerDispatcher dispatcher = new HandlerDispatcher(dispatch, registry, 2, List.of(Duration.ofSeconds(1)),
                     Duration.ofSeconds(30), Clock.systemUTC())) {
            dispatcher.start();
            write(writer, recorded, "A", 0);
            await(() -> HandlerTests.allFinished(ingest, 1), "the first event handled through the proxy");
            proxy.cut();
            for (int i = 1; i < 4; i++) {
                write(writer, recorded, "A", i); // each wakes the dispatcher, whose claim fails
                write(writer, recorded, "B", i);
            }
            Thread.sleep(500); // the outage lasts a while; no assertion depends on how long
            assertEquals(1, tracker.total(), "nothing handled while the dispatcher cannot reach its database");
            proxy.restore();
            await(() -> HandlerTests.allFinished(ingest, 7), "every delivery finished after the database came back");
            assertEquals(recorded, tracker.seenBySubject(), "each once, in order");
            assertTrue(HandlerTests.rows(ingest).stream().allMatch(r -> r.status().equals("done") && r.attempts() == 1));
        }
    }

    /** Its first call cuts the dispatcher's database connection (and waits for the test) before it returns. */
    static final class CuttingHandler implements org.aurorawebhooks.AuroraEventHandler {
        final List<Integer> attempts = java.util.Collections.synchronizedList(new ArrayList<>());
        final java.util.concurrent.CountDownLatch cut = new java.util.concurrent.CountDownLatch(1);
        private final TcpProxy proxy;

        CuttingHandler(TcpProxy proxy) {
            this.proxy = proxy;
        }

        @Override
        public void handle(org.aurorawebhooks.AuroraEvent event) throws Exception {
            attempts.add(event.attempt());
            if (cut.getCount() > 0) {
                proxy.cut();
                cut.countDown();
            }
        }
    }

    @Test
    void anOutcomeThatCannotBeWrittenDuringAShortOutageIsWrittenWhenTheDatabaseIsBackNotCalledAgain() throws Exception {
        Map<String, String> direct = TestDatabases.fresh(Kind.POSTGRESQL);
        URI target = URI.create(direct.get("aurora.db.url").substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(target.getHost(), target.getPort());
             Database ingest = HandlerTests.open(direct);
             Database dispatch = HandlerTests.open(proxied(direct, target, proxy))) {
            HandlerRegistry registry = new HandlerRegistry();
            CuttingHandler handler = new CuttingHandler(proxy);
            registry.add(handler, "test");
            try (EventWriter writer = new EventWriter(ingest, Duration.ofMinutes(5), Clock.systemUTC(), registry);
                 HandlerDispatcher dispatcher = new HandlerDispatcher(dispatch, registry, 2, List.of(Duration.ofSeconds(1)),
                         Duration.ofSeconds(30), Clock.systemUTC())) {
                long id = writer.write(leadEvent("lead_changed", "A", ""), 10_000).id();
                dispatcher.start();
                handler.cut.await();
                Thread.sleep(500); // the outage lasts a while; no assertion depends on how long
                assertEquals("pending", HandlerTests.rowOf(ingest, id).status(), "not marked done while unreachable");
                proxy.restore();
                await(() -> HandlerTests.allFinished(ingest, 1), "the done mark written once the database is back");
                HandlerTests.Row row = HandlerTests.rowOf(ingest, id);
                assertEquals("done", row.status());
                assertEquals(1, row.attempts());
                assertEquals(List.of(1), handler.attempts, "called once: its outcome was kept, not lost");
            }
        }
    }

    private static Map<String, String> proxied(Map<String, String> direct, URI target, TcpProxy proxy) {
        Map<String, String> config = new HashMap<>(direct);
        config.put("aurora.db.url", direct.get("aurora.db.url")
                .replace(target.getHost() + ":" + target.getPort(), "127.0.0.1:" + proxy.port()));
        return config;
    }

    private static void write(EventWriter writer, Map<String, List<Long>> recorded, String lead, int n) {
        recorded.computeIfAbsent(lead, k -> new ArrayList<>())
                .add(writer.write(leadEvent("lead_changed", lead, "&n=" + n), 10_000).id());
    }
}
