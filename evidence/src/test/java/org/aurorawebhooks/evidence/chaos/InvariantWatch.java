package org.aurorawebhooks.evidence.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.aurorawebhooks.testing.TestDatabases;

/**
 * Checks, every second for the whole run, what must hold at every moment rather than at the end: no lead
 * is marked gone in {@code aurora_leads} while Aurora still has it, the sample's process is alive, and
 * it answers its own page and the operator console (with the database reachable). What it finds is kept
 * as violations; the test fails on any.
 */
final class InvariantWatch implements Runnable {
    private final String dbUrl;
    private final Set<String> deleted;
    private final SampleProcess sample;
    private final String consoleAuthorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> violations = new ArrayList<>();
    private final Set<String> reported = new HashSet<>();
    private volatile boolean running = true;
    private int rounds;
    private int goneSeen;

    InvariantWatch(String dbUrl, Set<String> deleted, SampleProcess sample, String adminUser, String adminPassword) {
        this.dbUrl = dbUrl;
        this.deleted = deleted;
        this.sample = sample;
        this.consoleAuthorization = "Basic " + Base64.getEncoder().encodeToString(
                (adminUser + ":" + adminPassword).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void run() {
        while (running) {
            check();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One round of every check; also called once more by the test at the end. */
    void check() {
        long t = System.nanoTime();
        checkGoneLeads();
        if (!sample.alive()) {
            violation("process", "the sample's process has exited");
            return;
        }
        answers("/", "host page", null);
        String status = answers("/aurora/webhooks/_status", "operator console", consoleAuthorization);
        if (status != null && !status.replace(" ", "").contains("\"reachable\":true")) {
            violation("database", "the console says the database is not reachable: " + status.substring(0, Math.min(300, status.length())));
        }
        synchronized (this) {
            rounds++;
        }
        if (System.nanoTime() - t > Duration.ofSeconds(60).toNanos()) {
            violation("slow", "one round of checks took over a minute: the sample or the database hardly answers");
        }
    }

    private void checkGoneLeads() {
        List<String> gone = new ArrayList<>();
        try (Connection c = TestDatabases.inspect(dbUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT lead_id FROM aurora_leads WHERE gone_at IS NOT NULL")) {
            while (rs.next()) {
                gone.add(rs.getString(1));
            }
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no such table") || String.valueOf(e.getMessage()).contains("doesn't exist")
                    || String.valueOf(e.getMessage()).contains("does not exist")) {
                return; // the sample has not migrated the database yet
            }
            violation("read", "could not read aurora_leads: " + e.getMessage());
            return;
        }
        // Read after the database: a lead is in 'deleted' before Aurora answers 404 for it.
        for (String id : gone) {
            if (!deleted.contains(id)) {
                violation("gone:" + id, "lead " + id + " is marked gone in aurora_leads while Aurora still has it");
            }
        }
        synchronized (this) {
            goneSeen = Math.max(goneSeen, gone.size());
        }
    }

    /** GETs a path of the sample; returns the body of a 200, or null (and a violation). */
    private String answers(String path, String what, String authorization) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sample.baseUrl() + path)).timeout(Duration.ofSeconds(60));
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                violation(what + r.statusCode(), "the " + what + " answered " + r.statusCode());
                return null;
            }
            return r.body();
        } catch (java.io.IOException e) {
            violation(what + ":io", "the " + what + " did not answer: " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Records a violation once per key (a lead, a kind of failure), with the time it was first seen. */
    private synchronized void violation(String key, String message) {
        if (reported.add(key)) {
            violations.add(message + " (seen at " + java.time.Instant.now() + ")");
        }
    }

    void stop() {
        running = false;
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized int rounds() {
        return rounds;
    }

    /** The most leads seen marked gone at once. */
    synchronized int goneSeen() {
        return goneSeen;
    }
}
