package org.aurorawebhooks.console;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.aurorawebhooks.http.EndpointTraffic;
import org.aurorawebhooks.internal.ReconcileRunsView;
import org.aurorawebhooks.store.EventLog;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.aurorawebhooks.store.LeadSyncTable;

/**
 * {@code _status}: a {@link Snapshot} as JSON, with the top-level keys the README promises
 * ({@code deliveries}, {@code rejections}, {@code lead_sync}, {@code reconcile_runs}, {@code handlers},
 * {@code database}). Everything a caller or Aurora sent is a JSON string, with {@code <}, {@code >},
 * {@code &} and {@code '} escaped as well, so the text stays inert even if a browser were made to read it
 * as HTML. No secret is in a snapshot, so none can be here.
 */
final class StatusJson {
    private static final ObjectMapper MAPPER = new ObjectMapper(new JsonFactory().setCharacterEscapes(new HtmlSafe()));

    private StatusJson() {
    }

    static String write(Snapshot s) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("generated_at", iso(s.at()));
        root.put("deliveries", deliveries(s));
        root.put("rejections", rejections(s));
        root.put("lead_sync", leadSync(s));
        root.put("reconcile_runs", reconcileRuns(s));
        root.put("handlers", handlers(s));
        Map<String, Object> database = new LinkedHashMap<>();
        database.put("reachable", s.databaseReachable());
        database.put("vendor", s.databaseVendor());
        database.put("error", s.databaseError());
        root.put("database", database);
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a status snapshot could not be written as JSON", e);
        }
    }

    private static Map<String, Object> deliveries(Snapshot s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("last_hour", s.lastHour());
        d.put("last_day", s.lastDay());
        d.put("total_last_hour", s.lastHour() == null ? null : Snapshot.total(s.lastHour()));
        d.put("total_last_day", s.lastDay() == null ? null : Snapshot.total(s.lastDay()));
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("first_minute", iso(Instant.ofEpochMilli(s.firstMinute() * 60_000L)));
        chart.put("minutes", StatusReader.MINUTES);
        chart.put("series", s.perMinute());
        d.put("per_minute", chart);
        List<Object> latest = new ArrayList<>();
        for (EventLog.RecordedEvent e : s.latestDeliveries()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", e.id());
            row.put("event", e.eventType());
            row.put("received_at", iso(e.receivedAt()));
            row.put("attributes", e.attributes());
            row.put("query", e.queryString());
            row.put("undocumented_values", e.undocumentedValues());
            row.put("repeat_of", e.repeatOf());
            latest.add(row);
        }
        d.put("latest", latest);
        return d;
    }

    private static Map<String, Object> rejections(Snapshot s) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scope", "this node, since it started (kept in memory)");
        r.put("since", iso(s.rejectionsSince()));
        r.put("by_reason", s.rejections());
        r.put("total", Snapshot.total(s.rejections()));
        List<Object> latest = new ArrayList<>();
        for (EndpointTraffic.RejectedRequest q : s.latestRejections()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("at", iso(q.at()));
            row.put("reason", q.reason());
            row.put("status", q.status());
            row.put("method", q.method());
            row.put("path", q.path());
            row.put("query", q.query());
            latest.add(row);
        }
        r.put("latest", latest);
        return r;
    }

    private static Map<String, Object> leadSync(Snapshot s) {
        Map<String, Object> l = new LinkedHashMap<>();
        LeadSyncTable.Counts c = s.leadSync();
        l.put("pending", c == null ? null : c.pending());
        l.put("failing", c == null ? null : c.failing());
        l.put("claimed", c == null ? null : c.claimed());
        List<Object> failing = new ArrayList<>();
        for (LeadSyncTable.Waiting w : s.leadSyncFailing()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("lead_id", w.leadId());
            row.put("reason", w.reason());
            row.put("attempts", w.attempts());
            row.put("last_error", w.lastError());
            failing.add(row);
        }
        l.put("failing_leads", failing);
        return l;
    }

    private static Map<String, Object> reconcileRuns(Snapshot s) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("available", s.reconcileRuns() != null);
        List<Object> recent = new ArrayList<>();
        if (s.reconcileRuns() != null) {
            for (ReconcileRunsView.Run run : s.reconcileRuns()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", run.id());
                row.put("started_at", iso(run.startedAt()));
                row.put("ended_at", iso(run.endedAt()));
                row.put("trigger", run.trigger());
                row.put("outcome", run.outcome());
                row.put("dry_run", run.dryRun());
                row.put("checked", run.checked());
                row.put("created_missed", run.createdMissed());
                row.put("changed_missed", run.changedMissed());
                row.put("unchanged", run.unchanged());
                row.put("gone", run.gone());
                row.put("not_found", run.notFound());
                row.put("failed", run.failed());
                row.put("api_calls", run.apiCalls());
                row.put("throttled", run.throttled());
                row.put("error", run.error());
                recent.add(row);
            }
        }
        r.put("recent", recent);
        return r;
    }

    private static Map<String, Object> handlers(Snapshot s) {
        Map<String, Object> h = new LinkedHashMap<>();
        Map<String, Object> counts = new TreeMap<>();
        for (HandlerDeliveries.HandlerCounts c : s.handlerCounts()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("pending", c.pending());
            row.put("retrying", c.retrying());
            row.put("dead", c.dead());
            counts.put(c.handler(), row);
        }
        h.put("counts", counts);
        List<Object> retrying = new ArrayList<>();
        for (HandlerDeliveries.Retrying r : s.retrying()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", r.id());
            row.put("event_id", r.eventId());
            row.put("handler", r.handler());
            row.put("subject", r.subject());
            row.put("attempts", r.attempts());
            row.put("next_attempt_at", iso(Instant.ofEpochMilli(r.dueAt())));
            row.put("last_error", r.lastError());
            retrying.add(row);
        }
        h.put("retrying", retrying);
        List<Object> dead = new ArrayList<>();
        for (HandlerDeliveries.DeadLetter d : s.dead()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", d.id());
            row.put("event_id", d.eventId());
            row.put("handler", d.handler());
            row.put("subject", d.subject());
            row.put("attempts", d.attempts());
            row.put("dead_since", iso(Instant.ofEpochMilli(d.finishedAt())));
            row.put("last_error", d.lastError());
            dead.add(row);
        }
        h.put("dead", dead);
        return h;
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** JSON's own escapes plus {@code < > & '}: harmless in JSON, inert in HTML. */
    private static final class HtmlSafe extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] escapes;

        HtmlSafe() {
            int[] e = CharacterEscapes.standardAsciiEscapesForJSON();
            for (char c : new char[] {'<', '>', '&', '\''}) {
                e[c] = CharacterEscapes.ESCAPE_STANDARD;
            }
            escapes = e;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes.clone();
        }

        @Override
        public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }
}
