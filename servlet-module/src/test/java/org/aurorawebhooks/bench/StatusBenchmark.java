package org.aurorawebhooks.bench;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventLog;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.aurorawebhooks.store.LeadSyncTable;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;

/**
 * Not a test: what {@code bench/status.sh} runs. Fills a fresh database with {@code N} recorded deliveries
 * (default 1,000,000) spread evenly over the last 90 days across the 26 event types, plus {@code N/10} done
 * handler deliveries and a few pending and dead ones, runs {@code ANALYZE}, then starts the filter in Jetty
 * and times {@code _status}, {@code _dashboard} and {@code _metrics} over loopback: the median and 90th
 * percentile of {@code CALLS} calls each (default 50) after {@value #WARMUP} warm-up calls.
 *
 * <p>Usage: {@code StatusBenchmark sqlite|postgresql [N] [CALLS]}. The rows are written with the database's own
 * row generator (generate_series, a recursive CTE), not through the filter: the point is the reads.
 */
public final class StatusBenchmark {
    private static final int WARMUP = 20;
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("bench:bench-pw".getBytes(StandardCharsets.UTF_8));

    private StatusBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "sqlite";
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        Map<String, String> config = new LinkedHashMap<>(switch (kind) {
            case "sqlite" -> TestDatabases.freshSqlite();
            case "postgresql" -> TestDatabases.freshPostgres();
            default -> throw new IllegalArgumentException("sqlite or postgresql, not " + kind);
        });
        config.put("aurora.webhooks.auth.header-name", "X-T");
        config.put("aurora.webhooks.auth.header-value", "bench-token");
        config.put("aurora.admin.username", "bench");
        config.put("aurora.admin.password", "bench-pw");
        String url = config.get("aurora.db.url");
        try (Database db = Database.open(Settings.of(config))) {
            db.ensureMigrated();
        }
        long start = System.nanoTime();
        fill(kind, url, rows);
        System.out.printf("%s: %,d events and %,d handler deliveries written and analysed in %.0f s%n", kind, rows, rows / 10,
                (System.nanoTime() - start) / 1e9);
        try (FilterHarness app = FilterHarness.start(config)) {
            for (String page : List.of("_status", "_dashboard", "_metrics")) {
                List<Double> millis = new ArrayList<>();
                int bytes = 0;
                for (int i = 0; i < calls + WARMUP; i++) {
                    long t = System.nanoTime();
                    HttpResponse<String> r = app.get("/aurora/webhooks/" + page, "Authorization", AUTH);
                    double ms = (System.nanoTime() - t) / 1e6;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(page + " answered " + r.statusCode() + ": " + r.body());
                    }
                    bytes = r.body().length();
                    if (i >= WARMUP) {
                        millis.add(ms);
                    }
                }
                print(kind + " " + page, millis, calls + " calls, " + String.format("%,d", bytes) + " bytes");
            }
        }
        // The same reads without HTTP, JSON or HTML, through the table owners; then the whole-table count the
        // console does not use, for contrast.
        try (Database db = Database.open(Settings.of(config))) {
            EventLog events = new EventLog(db);
            HandlerDeliveries handlers = new HandlerDeliveries(db.dialect());
            LeadSyncTable sync = new LeadSyncTable(db.dialect());
            List<Double> reads = new ArrayList<>();
            List<Double> whole = new ArrayList<>();
            for (int i = 0; i < calls + WARMUP; i++) {
                long t = System.nanoTime();
                Instant now = Instant.now();
                events.countsByTypeSince(now.minus(Duration.ofHours(1)));
                events.countsByTypeSince(now.minus(Duration.ofDays(1)));
                events.countsByTypeAndMinuteSince(now.minus(Duration.ofHours(1)));
                events.latest(25);
                db.jdbi().useHandle(h -> {
                    handlers.unfinishedCounts(h);
                    handlers.deadLetters(h, 25);
                    handlers.retrying(h, 25);
                    sync.counts(h, now.toEpochMilli());
                });
                double ms = (System.nanoTime() - t) / 1e6;
                t = System.nanoTime();
                if (i < 5 + WARMUP) {
                    events.countsByType();
                    whole.add((System.nanoTime() - t) / 1e6);
                }
                if (i >= WARMUP) {
                    reads.add(ms);
                }
            }
            print(kind + " reads only", reads, calls + " calls, in process");
            print(kind + " whole-table count (not used)", whole.subList(WARMUP, whole.size()), "5 calls");
        }
    }

    private static void print(String what, List<Double> millis, String note) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        System.out.printf("%-40s median %7.1f ms  p90 %7.1f ms  max %7.1f ms  (%s)%n", what, sorted.get(sorted.size() / 2),
                sorted.get((int) Math.floor(sorted.size() * 0.9)), sorted.get(sorted.size() - 1), note);
    }

    private static void fill(String kind, String url, int rows) throws Exception {
        List<String> names = EventCatalog.aurora().names();
        // 90 days over the rows, newest first: the last hour holds rows / 2160 of them.
        double secondsApart = 90 * 86_400.0 / rows;
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            if (kind.equals("sqlite")) {
                st.execute("CREATE TEMP TABLE bench_names (i INTEGER PRIMARY KEY, name TEXT)");
                for (int i = 0; i < names.size(); i++) {
                    st.execute("INSERT INTO bench_names VALUES (" + i + ", '" + names.get(i) + "')");
                }
                st.execute("WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < " + rows + ") "
                        + "INSERT INTO aurora_webhook_events (event_type, received_at, lead_id, query_string, fingerprint) "
                        + "SELECT (SELECT name FROM bench_names WHERE i = x % " + names.size() + "), "
                        + "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (x * " + secondsApart + ") || ' seconds'), "
                        + "'L' || x, 'lead_id=L' || x, substr(hex(randomblob(16)), 1, 32) FROM g");
                st.execute("WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < " + rows / 10 + ") "
                        + "INSERT INTO aurora_handler_deliveries (event_id, handler, subject, status, attempts, due_at, created_at, "
                        + "finished_at) SELECT x, 'com.example.Crm', 'L' || x, CASE WHEN x % 1000 = 0 THEN 'dead' "
                        + "WHEN x % 1000 = 1 THEN 'pending' ELSE 'done' END, CASE WHEN x % 1000 = 0 THEN 5 ELSE 0 END, "
                        + "4102444800000, 0, 0 FROM g");
            } else {
                StringBuilder array = new StringBuilder("ARRAY[");
                for (int i = 0; i < names.size(); i++) {
                    array.append(i == 0 ? "'" : ", '").append(names.get(i)).append('\'');
                }
                array.append(']');
                st.execute("INSERT INTO aurora_webhook_events (event_type, received_at, lead_id, query_string, fingerprint) "
                        + "SELECT (" + array + ")[1 + g % " + names.size() + "], now() - make_interval(secs => g * " + secondsApart
                        + "), 'L' || g, 'lead_id=L' || g, md5(g::text) FROM generate_series(1, " + rows + ") g");
                st.execute("INSERT INTO aurora_handler_deliveries (event_id, handler, subject, status, attempts, due_at, created_at, "
                        + "finished_at) SELECT g, 'com.example.Crm', 'L' || g, CASE WHEN g % 1000 = 0 THEN 'dead' "
                        + "WHEN g % 1000 = 1 THEN 'pending' ELSE 'done' END, CASE WHEN g % 1000 = 0 THEN 5 ELSE 0 END, "
                        + "4102444800000, 0, 0 FROM generate_series(1, " + rows / 10 + ") g");
            }
            st.execute("ANALYZE");
        }
    }
}
