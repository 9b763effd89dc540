package org.aurorawebhooks.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.aurorawebhooks.sync.Testbed;
import org.aurorawebhooks.testing.TestDatabases;

/**
 * Delivery-to-row latency of the lead sync (not a test): a simulated Aurora fires {@code lead_created}
 * at a real Jetty with the filter; the time from Aurora's 200 to the lead's row in aurora_leads.
 * Usage: {@code SyncLatencyBenchmark [LEADS] [sqlite|postgresql]}.
 */
public final class SyncLatencyBenchmark {
    public static void main(String[] args) throws Exception {
        int leads = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        TestDatabases.Kind kind = args.length > 1 && args[1].equalsIgnoreCase("postgresql")
                ? TestDatabases.Kind.POSTGRESQL : TestDatabases.Kind.SQLITE;
        List<Double> millis = new ArrayList<>();
        try (Testbed bed = Testbed.start(kind)) {
            for (int i = 0; i < leads; i++) {
                String id = bed.aurora.createLead(); // returns once the filter answered 200
                long acknowledged = System.nanoTime();
                while (bed.leadRow(id).isEmpty()) {
                    Thread.sleep(2);
                }
                millis.add((System.nanoTime() - acknowledged) / 1e6);
                Thread.sleep(50);
            }
        }
        Collections.sort(millis);
        System.out.printf("%s, %d leads: delivery-to-row p50 %.0f ms, p99 %.0f ms, max %.0f ms (target: 2,000 ms)%n",
                kind, leads, millis.get(leads / 2), millis.get((int) Math.ceil(leads * 0.99) - 1), millis.get(leads - 1));
        System.exit(0);
    }
}
