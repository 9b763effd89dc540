package org.aurorawebhooks.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.Dialect;
import org.aurorawebhooks.sync.LeadStore;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The reconcile efficiency benchmark (not a test). A simulated Aurora with N leads, a store that has
 * them all from three days ago, except that 1% changed since without a delivery and 1% were never
 * delivered, and 0.5% touched by deliveries in the lookback window. The reconcile runs in a child JVM
 * with {@code -Xmx256m} (the heap target) through the real CLI; this process reports API calls, wall
 * time against calls ÷ rate, 429s and the child's peak heap.
 *
 * <p>Usage: {@code ReconcileBenchmark N RATE_PER_MINUTE} (the budget is set to the simulator's limit).
 */
public final class ReconcileBenchmark {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int rate = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("aurora-reconcile-bench-");
        String dbUrl = "jdbc:sqlite:" + dir.resolve("bench.db");
        try (SimulatedAurora aurora = SimulatedAurora.start(SimulatedAurora.Options.defaults()
                .withRequestsPerMinute(rate).withAutoFire(false))) {
            aurora.seedLeads(n);
            List<String> ids = new ArrayList<>(aurora.leadIds());
            Collections.shuffle(ids, new Random(1));
            int changed = n / 100;
            int missed = n / 100;
            int touched = n / 200;
            // ids.subList(0, missed): in Aurora but never stored (their lead_created was lost)
            List<String> stored = ids.subList(missed, n);
            final Settings settings = Settings.of(Map.of("aurora.db.url", dbUrl));
            try (Database db = Database.open(settings)) {
                db.ensureMigrated();
                preload(db, aurora, stored, Instant.now().minus(Duration.ofDays(3)));
                for (String id : stored.subList(0, changed)) {
                    aurora.changeLead(id); // changed in Aurora, lead_changed lost
                }
                recordDeliveries(db, stored.subList(changed, changed + touched));
            }
            Properties p = new Properties();
            p.put("aurora.db.url", dbUrl);
            p.put("aurora.api.base-url", aurora.baseUrl());
            p.put("aurora.api.tenant-id", aurora.tenantId());
            p.put("aurora.api.token", aurora.token());
            p.put("aurora.api.requests-per-minute", String.valueOf(rate));
            Path config = dir.resolve("bench.properties");
            try (Writer w = Files.newBufferedWriter(config)) {
                p.store(w, null);
            }
            long requestsBefore = aurora.requests();
            long start = System.nanoTime();
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"), ReconcileBenchmarkChild.class.getName(),
                    config.toString()).redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes(), java.nio.charset.Charset.defaultCharset());
            int exit = child.waitFor();
            double wall = (System.nanoTime() - start) / 1e9;
            long calls = aurora.requests() - requestsBefore;
            int pages = (n + 99) / 100;
            long bound = (long) pages + changed + missed + touched;
            double ideal = calls * 60.0 / rate;
            double pass;
            try (Database db = Database.open(settings)) {
                Dialect d = db.dialect();
                pass = db.jdbi().withHandle(h -> h.createQuery("SELECT started_at, ended_at FROM aurora_reconcile_runs "
                        + "ORDER BY id DESC LIMIT 1").map((rs, ctx) -> Duration.between(d.readTimestamp(rs, "started_at"),
                        d.readTimestamp(rs, "ended_at")).toMillis() / 1000.0).one());
            }
            System.out.print(output);
            System.out.printf("%nN=%d leads (%d changed without a delivery, %d never delivered, %d touched in the window), "
                    + "rate %d/min, exit code %d%n", n + 0, changed, missed, touched, rate, exit);
            System.out.printf("| N | API calls | bound ⌈N/100⌉+changed+missed+touched | 429s | calls÷rate s | pass s (pass/ideal) "
                    + "| process wall s (incl. JVM start) | child peak heap MB |%n");
            System.out.printf("| %d | %d | %d | %d | %.1f | %.1f (%.3f) | %.1f | %s |%n", n, calls, bound,
                    aurora.throttledAnswers(), ideal, pass, pass / ideal, wall, peak(output));
        }
    }

    private static String peak(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith("peak-heap-mb=")) {
                return line.substring("peak-heap-mb=".length()).trim();
            }
        }
        return "?";
    }

    /** The store as a past sync left it, written in one transaction (a benchmark's setup, not the product's path). */
    private static void preload(Database db, SimulatedAurora aurora, List<String> ids, Instant fetchedAt) {
        Dialect d = db.dialect();
        db.jdbi().useTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("INSERT INTO aurora_leads (lead_id, updated_at, raw_json, content_hash, "
                    + "first_seen_at, last_fetched_at, last_changed_at) VALUES (:id, :updated, :raw, :hash, :at, :at, :at)");
            for (String id : ids) {
                ObjectNode lead = aurora.lead(id);
                batch.bind("id", id).bind("updated", d.timestamp(Instant.parse(lead.get("updated_at").asText())))
                        .bind("raw", lead.toString()).bind("hash", LeadStore.contentHash(lead))
                        .bind("at", d.timestamp(fetchedAt)).add();
            }
            batch.execute();
        });
    }

    private static void recordDeliveries(Database db, List<String> ids) {
        Dialect d = db.dialect();
        db.jdbi().useTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("INSERT INTO aurora_webhook_events (event_type, received_at, lead_id, "
                    + "query_string, fingerprint) VALUES ('lead_changed', :at, :id, :q, :f)");
            for (String id : ids) {
                batch.bind("at", d.timestamp(Instant.now())).bind("id", id).bind("q", "lead_id=" + id)
                        .bind("f", Integer.toHexString(id.hashCode())).add();
            }
            batch.execute();
        });
    }
}
