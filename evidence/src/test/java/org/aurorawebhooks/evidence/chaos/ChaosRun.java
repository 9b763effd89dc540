package org.aurorawebhooks.evidence.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.aurorawebhooks.simulator.ApiRequest;
import org.aurorawebhooks.simulator.Chaos;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.sync.LeadStore;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;

/**
 * One chaos run on one database: a simulated Aurora misbehaving at random (seeded), the sample webapp
 * as its own JVM (webhook filter, lead sync, a reconcile every two minutes) fetching from it, its leads created,
 * changed and deleted with a share of their webhooks lost, and an operator running {@code reconcile} and
 * {@code subscribe} from the CLI, also while the tenant is unknown and with a mistyped tenant. Everything
 * the run finds wrong is a {@linkplain Result#problems() problem}; its {@linkplain Result#figures() figures}
 * are a row of RELIABILITY.md.
 *
 * <p>Budgets: the sample's process has {@value #SAMPLE_BUDGET} requests a minute, the operator's CLI
 * (another process, so another budget, on its own API key) {@value #OPERATOR_BUDGET}; together Aurora's
 * documented default of 90, which is the simulator's own limit. The simulator records every request with
 * its key and arrival, so each process's busiest minute is counted where Aurora would count it (the
 * operator's per command: each is a process).
 */
public final class ChaosRun {
    static final int SAMPLE_BUDGET = 50;
    static final int OPERATOR_BUDGET = 40;
    /** The library's request timeout ({@code AuroraApi.create(Settings)}): hangs last longer. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    /** Fast enough that the sample's lead sync and reconcile together want more than its budget at times. */
    private static final Duration MUTATION_PACE = Duration.ofMillis(1500);
    private static final double DROP_SHARE = 0.3;
    private static final int SEEDED_LEADS = 10;
    private static final String TENANT_KEY = "aurora.api.tenant-id";
    /** The operator's window during the chaos: short, so that the schedule's passes get the lock too. */
    private static final String CHAOS_SINCE = "PT20S";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one run is asked to do. */
    public record Plan(TestDatabases.Kind kind, Map<String, String> database, Duration duration, long seed, Path sampleJar,
                Path cliJar) {
    }

    /** What it found, and its figures (column name to value) in the order of the report's table. */
    public record Result(TestDatabases.Kind kind, List<String> problems, Map<String, String> figures) {
    }

    private final Plan plan;
    private final String name;
    private final String dbUrl;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, String> figures = new LinkedHashMap<>();
    private long chaosStart;

    public ChaosRun(Plan plan) {
        this.plan = plan;
        this.name = "chaos-" + plan.kind().name().toLowerCase(Locale.ROOT);
        this.dbUrl = plan.database().get("aurora.db.url");
    }

    public Result execute() throws Exception {
        Path dir = Files.createTempDirectory("aurora-" + name + "-");
        String webhookToken = TestSecrets.fresh("chaos-webhook");
        String adminPassword = TestSecrets.fresh("chaos-admin");
        String sampleApiToken = TestSecrets.fresh("chaos-api");
        String operatorApiToken = TestSecrets.fresh("chaos-operator-api");
        String tenant = "chaos-tenant-" + plan.kind().name().toLowerCase(Locale.ROOT);
        try (SimulatedAurora aurora = SimulatedAurora.start(SimulatedAurora.Options.defaults()
                .withRequestsPerMinute(SAMPLE_BUDGET + OPERATOR_BUDGET).withAutoFire(false).withSeed(plan.seed())
                .withCredentials(tenant, sampleApiToken))) {
            aurora.acceptToken("operator", operatorApiToken);
            aurora.seedLeads(SEEDED_LEADS);
            Map<String, String> common = new LinkedHashMap<>(plan.database());
            common.put("aurora.webhooks.auth.header-name", "X-Aurora-Token");
            common.put("aurora.webhooks.auth.header-value", webhookToken);
            common.put("aurora.api.base-url", aurora.baseUrl());
            common.put(TENANT_KEY, tenant);
            common.put("aurora.reconciler.lookback", "PT1M");
            Map<String, String> sample = new LinkedHashMap<>(common);
            sample.put("aurora.api.token", sampleApiToken);
            sample.put("aurora.api.requests-per-minute", String.valueOf(SAMPLE_BUDGET));
            // Every two minutes: each pass re-fetches what the previous one fetched within the lookback (their
            // own fetches count as "touched"), so passes a minute apart would hold the lock nearly all the
            // time and the operator's reconcile would hardly ever get it.
            sample.put("aurora.reconciler.cron", "0 */2 * * * ?");
            sample.put("aurora.admin.username", "operator");
            sample.put("aurora.admin.password", adminPassword);
            sample.put("aurora.sample.port", "0");
            sample.put("aurora.sample.demo", "false");
            Map<String, String> operator = new LinkedHashMap<>(common);
            operator.put("aurora.api.token", operatorApiToken);
            operator.put("aurora.api.requests-per-minute", String.valueOf(OPERATOR_BUDGET));
            Map<String, String> typo = new LinkedHashMap<>(operator);
            typo.put(TENANT_KEY, tenant + "-typo");
            try (SampleProcess app = SampleProcess.start(plan.sampleJar(), write(dir, "sample.properties", sample), name + "-sample")) {
                run(aurora, app, new OperatorCli(plan.cliJar(), name + "-cli"), write(dir, "operator.properties", operator),
                        write(dir, "typo.properties", typo), adminPassword);
            }
        }
        return new Result(plan.kind(), List.copyOf(problems), figures);
    }

    private void run(SimulatedAurora aurora, SampleProcess app, OperatorCli cli, Path operator, Path typo,
                     String adminPassword) throws Exception {
        List<String> threadsAtStart = libraryThreads(app);
        // As after an install: the operator subscribes the app to the lead events, Aurora being calm.
        OperatorCli.Run subscribed = cli.run("subscribe (calm)", operator, "subscribe", "--url", app.baseUrl(), "--events",
                "lead_created,lead_changed");
        if (subscribed.exitCode() != 0) {
            problems.add("the first subscribe, Aurora calm, failed: " + subscribed.describe());
            return;
        }
        LeadScript script = new LeadScript(aurora, plan.seed() ^ 0x5EED);
        InvariantWatch watch = new InvariantWatch(dbUrl, script.deleted(), app, "operator", adminPassword);
        Thread watching = new Thread(watch, name + "-watch");
        watching.start();

        aurora.dropShare(DROP_SHARE);
        aurora.chaos(Chaos.typical(plan.seed(), CLIENT_TIMEOUT));
        chaosStart = System.nanoTime();
        long end = chaosStart + plan.duration().toNanos();
        AtomicReference<Throwable> scriptFailure = new AtomicReference<>();
        AtomicLong calmAt = new AtomicLong();
        // The chaos ends with the duration, whatever the operator is still doing. Ended after operate() instead,
        // it lasted as long as the operator's wait for the lock: a CI run (2026-12-07) saw the mistyped-tenant
        // reconcile find the lock held by the sample's chaos-slowed passes for its whole 10-minute patience,
        // the chaos still on all that time.
        Thread scripting = new Thread(() -> {
            try {
                while (System.nanoTime() < end) {
                    script.step();
                    Thread.sleep(MUTATION_PACE.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                scriptFailure.set(e);
            } finally {
                aurora.chaos(null);
                calmAt.set(System.nanoTime());
            }
        }, name + "-leads");
        scripting.start();

        operate(aurora, app, cli, operator, typo);

        scripting.join();
        if (scriptFailure.get() != null) {
            problems.add("the lead script itself failed (a test bug): " + scriptFailure.get());
        }
        long calm = calmAt.get();

        // Chaos over: one more reconcile by the operator (retried while a scheduled pass holds the lock), then
        // aurora_leads must be Aurora's leads exactly.
        OperatorCli.Run last = reconcile(cli, "reconcile (final, calm)", operator, "PT1M");
        List<String> differences = differences(aurora, script.deleted());
        if (last.exitCode() != 0) {
            problems.add("the final reconcile, Aurora calm, did not end clean: " + last.describe());
        }
        if (!differences.isEmpty()) {
            problems.add("after the final reconcile aurora_leads differs from Aurora's leads in " + differences.size()
                    + " ways, e.g. " + differences.subList(0, Math.min(10, differences.size())));
        }

        // The operator subscribes once more, Aurora calm: whatever the chaos did to earlier attempts, each event
        // ends with exactly one subscription to the app.
        OperatorCli.Run resubscribed = cli.run("subscribe all 26 (calm)", operator, "subscribe", "--url", app.baseUrl());
        Map<String, Long> perEvent = aurora.subscriptions().stream().filter(n -> n.path("url_template").asText()
                .startsWith(app.baseUrl() + "/")).collect(Collectors.groupingBy(n -> n.path("event").asText(), TreeMap::new,
                Collectors.counting()));
        if (resubscribed.exitCode() != 0 || perEvent.size() != 26 || perEvent.values().stream().anyMatch(n -> n != 1)) {
            problems.add("after subscribing again, Aurora calm, the events do not have one subscription each: "
                    + perEvent + "; " + resubscribed.describe());
        }

        watch.stop();
        watching.join();
        dumpRequests(aurora.apiRequests());
        watch.check();
        problems.addAll(watch.violations());
        List<String> threadsAtEnd = libraryThreads(app);
        List<String> lost = new ArrayList<>(threadsAtStart);
        lost.removeAll(threadsAtEnd);
        if (!lost.isEmpty()) {
            problems.add("library threads died during the run: " + lost + " (at the end: " + threadsAtEnd + ")");
        }
        int exit = app.stop(Duration.ofMinutes(2));
        String output = app.output();
        for (String sign : List.of("Exception in thread", "OutOfMemoryError", "StackOverflowError")) {
            if (output.contains(sign)) {
                problems.add("the sample's output has \"" + sign + "\": " + excerpt(output, sign));
            }
        }
        if (exit == -1) {
            problems.add("the sample did not stop within 2 minutes of SIGTERM");
        }
        for (OperatorCli.Run r : cli.runs()) {
            if (r.crashed()) {
                problems.add("an operator command crashed: " + r.describe());
            }
        }
        Map<String, Integer> leadCounts = script.counts();
        for (String k : leadCounts.keySet()) {
            if (k.startsWith("webhooks unanswered") || (k.startsWith("webhooks answered") && !k.endsWith(" 200"))) {
                problems.add("the sample did not answer every delivery with 200: " + leadCounts);
                break;
            }
        }
        budgets(aurora.apiRequests(), cli.runs());
        figures(aurora, cli, leadCounts, watch, Duration.ofNanos(calm - chaosStart));
    }

    /** The operator's session, spread over the run; the unknown-tenant period lies in its middle. */
    private void operate(SimulatedAurora aurora, SampleProcess app, OperatorCli cli, Path operator, Path typo) throws Exception {
        at(0.10);
        // Tried until the next step is due, not longer: a scheduled pass slowed by the chaos can hold the lock for
        // minutes (about 5 in a CI run of 2026-12-07), and waiting for it pushed every later step past the chaos.
        // A command that ends on the lock still counts (its exit code, its budget).
        reconcile(cli, "reconcile (chaos)", operator, CHAOS_SINCE, due(0.25));
        at(0.25);
        cli.run("subscribe all 26 (chaos)", operator, "subscribe", "--url", app.baseUrl());

        at(0.40);
        // The tenant becomes unknown: every pass and command must stop at it and change nothing.
        aurora.tenantUnknown(true);
        long runsBefore = maxRunId(); // read after the switch: a later run made all its calls inside the period
        var subscriptionsBefore = aurora.subscriptions();
        expectUnknownTenant(reconcile(cli, "reconcile (tenant unknown)", operator, CHAOS_SINCE), null);
        expectUnknownTenant(cli.run("subscribe (tenant unknown)", operator, "subscribe", "--url", app.baseUrl()), null);
        at(0.55);
        List<Map<String, Object>> passes = runsAfter(runsBefore); // ended before the tenant is known again
        aurora.tenantUnknown(false);
        if (!subscriptionsBefore.equals(aurora.subscriptions())) {
            problems.add("the subscriptions changed while the tenant was unknown");
        }
        int stopped = 0;
        for (Map<String, Object> pass : passes) {
            if ("skipped".equals(pass.get("outcome"))) {
                continue;
            }
            stopped++;
            boolean changedNothing = number(pass, "created_missed") + number(pass, "changed_missed") + number(pass, "gone") == 0;
            if (!"failed".equals(pass.get("outcome")) || !String.valueOf(pass.get("error")).contains(TENANT_KEY) || !changedNothing) {
                problems.add("a reconcile pass run entirely while the tenant was unknown did not stop at it without "
                        + "changing anything: " + pass);
            }
        }
        figures.put("passes stopped by the unknown tenant", String.valueOf(stopped));

        at(0.65);
        // An operator's mistyped tenant (another config file): refused, exit 3, nothing changed.
        long runsBeforeTypo = maxRunId();
        expectUnknownTenant(reconcile(cli, "reconcile (mistyped tenant)", typo, CHAOS_SINCE), "-typo");
        expectUnknownTenant(cli.run("subscribe (mistyped tenant)", typo, "subscribe", "--url", app.baseUrl()), "-typo");
        for (Map<String, Object> pass : runsAfter(runsBeforeTypo)) {
            if ("cli".equals(pass.get("trigger_type"))
                    && number(pass, "created_missed") + number(pass, "changed_missed") + number(pass, "gone") != 0) {
                problems.add("the reconcile with a mistyped tenant changed something: " + pass);
            }
        }
        at(0.80);
        cli.run("status (chaos)", operator, "status");
    }

    private void expectUnknownTenant(OperatorCli.Run run, String tenantSuffix) {
        boolean named = run.err().contains("does not know the tenant") && run.err().contains(TENANT_KEY)
                && (tenantSuffix == null || run.err().contains(tenantSuffix + "\""));
        if (run.exitCode() != 3 || !named) {
            problems.add("an unknown tenant did not stop the command with exit 3 and a message naming " + TENANT_KEY + ": "
                    + run.describe());
        }
    }

    /**
     * {@code reconcile --since SINCE} as an operator runs it: when a scheduled pass holds the lock (exit 3,
     * saying so), again a few seconds later.
     */
    private static OperatorCli.Run reconcile(OperatorCli cli, String label, Path config, String since) throws Exception {
        return reconcile(cli, label, config, since, System.nanoTime() + Duration.ofMinutes(10).toNanos());
    }

    /** As {@link #reconcile(OperatorCli, String, Path, String)}, trying again only until {@code deadline} (nanoTime). */
    private static OperatorCli.Run reconcile(OperatorCli cli, String label, Path config, String since, long deadline)
            throws Exception {
        while (true) {
            OperatorCli.Run run = cli.run(label, config, "reconcile", "--since", since);
            if (run.exitCode() != 3 || !run.err().contains("holds the lock") || System.nanoTime() > deadline) {
                return run;
            }
            Thread.sleep(5_000);
        }
    }

    /** Every way aurora_leads differs from Aurora's leads (live ones equal, deleted ones marked gone). */
    private List<String> differences(SimulatedAurora aurora, Set<String> deleted) throws Exception {
        Map<String, String[]> rows = new TreeMap<>();
        try (Connection c = TestDatabases.inspect(dbUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT lead_id, raw_json, content_hash, gone_at FROM aurora_leads")) {
            while (rs.next()) {
                rows.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
            }
        }
        List<String> out = new ArrayList<>();
        for (String id : aurora.leadIds()) {
            String[] row = rows.get(id);
            JsonNode truth = JSON.readTree(aurora.lead(id).toString());
            if (row == null) {
                out.add(id + ": in Aurora, no row");
            } else if (row[2] != null) {
                out.add(id + ": in Aurora, marked gone");
            } else if (!truth.equals(JSON.readTree(row[0]))) {
                out.add(id + ": content differs");
            } else if (!LeadStore.contentHash(truth).equals(row[1])) {
                out.add(id + ": content hash differs");
            }
        }
        Set<String> live = Set.copyOf(aurora.leadIds());
        rows.forEach((id, row) -> {
            if (!live.contains(id) && !deleted.contains(id)) {
                out.add(id + ": a row for a lead Aurora never had");
            } else if (deleted.contains(id) && row[2] == null) {
                out.add(id + ": deleted in Aurora, not marked gone");
            }
        });
        figures.put("leads at the end (live / marked gone)", live.size() + " / "
                + rows.values().stream().filter(r -> r[2] != null).count());
        return out;
    }

    /** Every API request the simulator received, for reading after a failed run (ids only, never a token). */
    private void dumpRequests(List<ApiRequest> requests) throws IOException {
        StringBuilder sb = new StringBuilder("# seconds since the chaos began, key, method, path, status, fault\n");
        for (ApiRequest r : requests) {
            sb.append(String.format(Locale.ROOT, "%9.3f %-8s %-6s %s %d %s%n", (r.arrivedNanos() - chaosStart) / 1e9, r.key(),
                    r.method(), r.path(), r.status(), r.fault()));
        }
        Files.writeString(TestSecrets.logFile(name + "-aurora-requests.txt"), sb);
    }

    /**
     * Each process's busiest minute at Aurora against its budget. The budget is per process (DESIGN.md:
     * "shared by every caller in the process"), and each operator command is a process of its own: a command
     * started right after another cannot know what the one before sent, so the operator's key can carry more
     * than its budget in a minute that spans two commands. Its requests are therefore counted per command
     * (commands run one after the other, so a request belongs to the command running when it arrived); the
     * key's busiest minute across commands is reported beside it, not held to the budget.
     */
    private void budgets(List<ApiRequest> requests, List<OperatorCli.Run> runs) {
        List<String> busiest = new ArrayList<>();
        List<ApiRequest> sample = requests.stream().filter(r -> r.key().equals("primary")).toList();
        overBudget("sample's process", ApiRequest.busiestWindow(sample, Duration.ofMinutes(1)), SAMPLE_BUDGET);
        busiest.add("sample " + ApiRequest.busiestWindow(sample, Duration.ofMinutes(1)).count() + "/" + SAMPLE_BUDGET);

        List<ApiRequest> operator = requests.stream().filter(r -> r.key().equals("operator")).toList();
        int perCommand = 0;
        int attributed = 0;
        for (OperatorCli.Run run : runs) {
            List<ApiRequest> mine = operator.stream()
                    .filter(r -> r.arrivedNanos() >= run.startedNanos() && r.arrivedNanos() <= run.endedNanos()).toList();
            attributed += mine.size();
            ApiRequest.Window w = ApiRequest.busiestWindow(mine, Duration.ofMinutes(1));
            overBudget("operator's \"" + run.label() + "\" process", w, OPERATOR_BUDGET);
            perCommand = Math.max(perCommand, w.count());
        }
        if (attributed != operator.size()) {
            problems.add((operator.size() - attributed) + " of the operator's " + operator.size()
                    + " API requests arrived while none of its commands ran");
        }
        busiest.add("operator " + perCommand + "/" + OPERATOR_BUDGET + " per command ("
                + ApiRequest.busiestWindow(operator, Duration.ofMinutes(1)).count() + " across consecutive commands)");
        long unauthorized = requests.stream().filter(r -> r.key().equals("unauthorized")).count();
        if (unauthorized > 0) {
            problems.add(unauthorized + " API requests carried no valid token");
        }
        figures.put("busiest minute at Aurora vs budget", String.join("; ", busiest));
    }

    private void overBudget(String who, ApiRequest.Window w, int budget) {
        if (w.count() > budget) {
            problems.add("the " + who + " sent " + w.count() + " requests within one minute ("
                    + Duration.ofNanos(w.lastNanos() - w.firstNanos()).toMillis() + " ms, starting "
                    + Duration.ofNanos(w.firstNanos() - chaosStart).toSeconds() + " s into the chaos); its budget is " + budget);
        }
    }

    private void figures(SimulatedAurora aurora, OperatorCli cli, Map<String, Integer> leadCounts, InvariantWatch watch,
                         Duration chaos) throws SQLException {
        List<ApiRequest> requests = aurora.apiRequests();
        Map<ApiRequest.Fault, Long> byFault = requests.stream().collect(Collectors.groupingBy(ApiRequest::fault,
                TreeMap::new, Collectors.counting()));
        Map<String, Long> byKey = requests.stream().collect(Collectors.groupingBy(ApiRequest::key, TreeMap::new,
                Collectors.counting()));
        Map<String, String> row = new LinkedHashMap<>();
        row.put("database", plan.kind().name().toLowerCase(Locale.ROOT));
        row.put("chaos", chaos.toMinutes() + " min " + chaos.toSecondsPart() + " s");
        row.put("seed", String.valueOf(plan.seed()));
        row.put("API requests (sample / operator)", byKey.getOrDefault("primary", 0L) + " / " + byKey.getOrDefault("operator", 0L));
        row.put("answered as asked / 429 / 5xx / hung / slow / malformed / tenant unknown / 429 by the limit",
                List.of(ApiRequest.Fault.NONE, ApiRequest.Fault.THROTTLED, ApiRequest.Fault.SERVER_ERROR, ApiRequest.Fault.HANG,
                        ApiRequest.Fault.SLOW, ApiRequest.Fault.MALFORMED, ApiRequest.Fault.UNKNOWN_TENANT,
                        ApiRequest.Fault.RATE_LIMITED).stream()
                        .map(f -> String.valueOf(byFault.getOrDefault(f, 0L))).collect(Collectors.joining(" / ")));
        row.putAll(figures);
        row.put("leads created / changed / deleted", leadCounts.getOrDefault("created", 0) + " / "
                + leadCounts.getOrDefault("changed", 0) + " / " + leadCounts.getOrDefault("deleted", 0));
        row.put("lead webhooks answered 200 / lost", leadCounts.getOrDefault("webhooks answered 200", 0) + " / "
                + leadCounts.getOrDefault("webhooks dropped", 0));
        row.put("reconcile passes by trigger and outcome", passes());
        row.put("operator commands: exit codes", cli.runs().stream().map(r -> r.label() + " " + r.exitCode())
                .collect(Collectors.joining(", ")));
        row.put("checks of the live invariants", watch.rounds() + " rounds");
        row.put("problems", String.valueOf(problems.size()));
        figures.clear();
        figures.putAll(row);
    }

    private String passes() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = TestDatabases.inspect(dbUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT trigger_type, outcome, COUNT(*) FROM aurora_reconcile_runs "
                     + "GROUP BY trigger_type, outcome ORDER BY trigger_type, outcome")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getInt(3));
            }
        }
        return String.join(", ", out);
    }

    private long maxRunId() throws SQLException {
        try (Connection c = TestDatabases.inspect(dbUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM aurora_reconcile_runs")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs recorded after {@code id} that have ended. */
    private List<Map<String, Object>> runsAfter(long id) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = TestDatabases.inspect(dbUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, trigger_type, outcome, created_missed, changed_missed, gone, error "
                     + "FROM aurora_reconcile_runs WHERE id > " + id + " AND outcome <> 'running' ORDER BY id")) {
            while (rs.next()) {
                Map<String, Object> run = new LinkedHashMap<>();
                for (int i = 1; i <= 7; i++) {
                    run.put(rs.getMetaData().getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
                }
                out.add(run);
            }
        }
        return out;
    }

    private static long number(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }

    /** The threads the library starts in the sample (lead sync, the schedule), by name. */
    private static List<String> libraryThreads(SampleProcess app) throws IOException, InterruptedException {
        return app.threadNames().stream().filter(n -> n.startsWith("aurora-lead-sync") || n.startsWith("QuartzScheduler_")
                || n.contains("_Worker-")).sorted().toList();
    }

    /** When the step at {@code share} of the chaos is due (System.nanoTime). */
    private long due(double share) {
        return chaosStart + (long) (plan.duration().toNanos() * share);
    }

    /** Waits until {@code share} of the chaos has passed (at once if it has). */
    private void at(double share) throws InterruptedException {
        long wait = due(share) - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
        }
    }

    private static String excerpt(String text, String sign) {
        int i = text.indexOf(sign);
        return text.substring(Math.max(0, i - 200), Math.min(text.length(), i + 800));
    }

    private static Path write(Path dir, String file, Map<String, String> config) throws IOException {
        Path path = dir.resolve(file);
        Properties p = new Properties();
        p.putAll(config);
        try (Writer w = Files.newBufferedWriter(path)) {
            p.store(w, null);
        }
        return path;
    }
}
