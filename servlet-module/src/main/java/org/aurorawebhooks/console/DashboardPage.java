package org.aurorawebhooks.console;

import static org.aurorawebhooks.console.Html.esc;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.http.EndpointTraffic;
import org.aurorawebhooks.internal.ReconcileRunsView;
import org.aurorawebhooks.store.EventLog;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.aurorawebhooks.store.LeadSyncTable;

/**
 * {@code _dashboard}: a {@link Snapshot} as one server-rendered page. Every value goes through
 * {@link Html#esc}; no value is ever written into the script, which is static and reads the page. The
 * script (nonce'd, as is the style) fetches the {@code #console} element again every few seconds
 * ({@code ?fragment=console}) and swaps it in; without script a {@code noscript} refresh reloads the page.
 * The script builds its URL from {@code location.origin}, so a page opened as {@code http://user:pw@host/...}
 * still refreshes (a fetch of a URL with credentials in it is refused by browsers).
 *
 * <p>Stable hooks for tests and tools: counts are in {@code data-count} attributes; rows carry
 * {@code data-event}, {@code data-reason}, {@code data-handler}, {@code data-delivery-id},
 * {@code data-dead-id}, {@code data-run-id}; each dead letter has a {@code form.retry-form} with a
 * {@code button.retry[data-retry-id]}; the chart is {@code svg#deliveries-chart} with one
 * {@code rect.bar} per (minute, event) carrying {@code data-event}, {@code data-minute} and {@code data-count};
 * {@code #refresh-state} counts successful reloads in {@code data-refreshes} and has {@code data-stale} while
 * they fail.
 */
final class DashboardPage {
    static final int REFRESH_SECONDS = 5;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
        "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
        "#c49c94", "#f7b6d2"};

    private DashboardPage() {
    }

    /**
     * @param base the filter's path inside the host, with the context path: where the forms post
     * @param retried the delivery a retry just made pending, or null
     * @param retryMissed whether a retry just found its delivery no longer dead
     */
    static String render(Snapshot s, String nonce, String csrfToken, String base, Long retried, boolean retryMissed) {
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>aurora-webhooks console</title>")
                // No favicon request: it would go to the host app's /favicon.ico and may be a 404 in the console.
                .append("<link rel=\"icon\" href=\"data:,\">")
                .append("<noscript><meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS * 2).append("\"></noscript>")
                .append("<style nonce=\"").append(esc(nonce)).append("\">").append(STYLE).append("</style></head>\n")
                .append("<body data-refresh-seconds=\"").append(REFRESH_SECONDS).append("\">")
                .append("<header><h1>aurora-webhooks</h1><span id=\"refresh-state\" role=\"status\"></span></header>\n");
        main(h, s, csrfToken, base, retried, retryMissed);
        h.append("\n<script nonce=\"").append(esc(nonce)).append("\">").append(SCRIPT).append("</script></body></html>\n");
        return h.toString();
    }

    /**
     * Only the {@code main#console} element: what the page's script fetches ({@code ?fragment=console}) and
     * swaps in. Without the page's head, parsing it brings no style or script whose nonce is not the page's.
     */
    static String fragment(Snapshot s, String csrfToken, String base) {
        StringBuilder h = new StringBuilder(32_768);
        main(h, s, csrfToken, base, null, false);
        return h.toString();
    }

    private static void main(StringBuilder h, Snapshot s, String csrfToken, String base, Long retried, boolean retryMissed) {
        h.append("<main id=\"console\" data-generated-at=\"").append(esc(s.at())).append("\">")
                .append("<p class=\"muted\">As of ").append(esc(TIME.format(s.at()))).append(", refreshing every ")
                .append(REFRESH_SECONDS).append(" s.</p>");
        if (retried != null) {
            h.append("<p id=\"notice\" data-retried=\"").append(retried).append("\">Handler delivery ").append(retried)
                    .append(" is pending again; the dispatcher will call its handler shortly.</p>");
        } else if (retryMissed) {
            h.append("<p id=\"notice\" data-retried=\"none\">That delivery was no longer dead: nothing was changed.</p>");
        }
        database(h, s);
        deliveries(h, s);
        latestDeliveries(h, s);
        rejections(h, s);
        handlers(h, s, csrfToken, base);
        leadSync(h, s);
        reconcileRuns(h, s);
        h.append("</main>");
    }

    private static void database(StringBuilder h, Snapshot s) {
        h.append("<section id=\"database\" data-reachable=\"").append(s.databaseReachable()).append("\"><h2>Database</h2>");
        if (s.databaseReachable()) {
            h.append("<p class=\"ok\">").append(esc(s.databaseVendor())).append(": reachable</p>");
        } else {
            h.append("<p class=\"bad\">").append(esc(s.databaseVendor())).append(": not reachable. ")
                    .append(esc(s.databaseError())).append("</p>");
        }
        h.append("</section>\n");
    }

    private static void deliveries(StringBuilder h, Snapshot s) {
        h.append("<section id=\"deliveries\"><h2>Deliveries</h2>");
        chart(h, s);
        h.append("<table id=\"deliveries-by-type\"><thead><tr><th>event</th><th>last hour</th><th>last 24 h</th></tr></thead><tbody>");
        if (s.lastDay() != null) {
            for (Map.Entry<String, Long> e : s.lastDay().entrySet()) {
                long hour = s.lastHour() == null ? 0 : s.lastHour().getOrDefault(e.getKey(), 0L);
                h.append("<tr data-event=\"").append(esc(e.getKey())).append("\"><td>").append(esc(e.getKey()))
                        .append("</td><td class=\"num hour\" data-count=\"").append(hour).append("\">").append(hour)
                        .append("</td><td class=\"num day\" data-count=\"").append(e.getValue()).append("\">")
                        .append(e.getValue()).append("</td></tr>");
            }
        }
        long hour = Snapshot.total(s.lastHour());
        long day = Snapshot.total(s.lastDay());
        h.append("</tbody><tfoot><tr><th>all</th><td class=\"num\" id=\"deliveries-total-hour\" data-count=\"").append(hour)
                .append("\">").append(hour).append("</td><td class=\"num\" id=\"deliveries-total-day\" data-count=\"")
                .append(day).append("\">").append(day).append("</td></tr></tfoot></table></section>\n");
    }

    /** Stacked bars, one per minute of the last hour, a colour per event type; a legend under it. */
    private static void chart(StringBuilder h, Snapshot s) {
        int minutes = StatusReader.MINUTES;
        long[] totals = new long[minutes];
        s.perMinute().values().forEach(series -> {
            for (int i = 0; i < minutes; i++) {
                totals[i] += series[i];
            }
        });
        long max = 1;
        for (long t : totals) {
            max = Math.max(max, t);
        }
        int width = 720;
        int height = 160;
        int left = 40;
        int bottom = 20;
        double barWidth = (width - left) / (double) minutes;
        double scale = (height - bottom - 10) / (double) max;
        h.append("<figure><svg id=\"deliveries-chart\" role=\"img\" aria-label=\"Deliveries per minute by event type, last hour\" ")
                .append("viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" width=\"100%\" data-max=\"")
                .append(max).append("\" xmlns=\"http://www.w3.org/2000/svg\">")
                .append("<line x1=\"").append(left).append("\" y1=\"").append(height - bottom).append("\" x2=\"").append(width)
                .append("\" y2=\"").append(height - bottom).append("\" stroke=\"#999\"/>")
                .append("<text x=\"").append(left - 4).append("\" y=\"14\" text-anchor=\"end\" font-size=\"10\">").append(max)
                .append("</text><text x=\"").append(left - 4).append("\" y=\"").append(height - bottom)
                .append("\" text-anchor=\"end\" font-size=\"10\">0</text>");
        List<String> types = new ArrayList<>(s.perMinute().keySet());
        double[] stacked = new double[minutes];
        for (int t = 0; t < types.size(); t++) {
            String type = types.get(t);
            long[] series = s.perMinute().get(type);
            String color = COLORS[t % COLORS.length];
            for (int i = 0; i < minutes; i++) {
                if (series[i] == 0) {
                    continue;
                }
                double barHeight = series[i] * scale;
                stacked[i] += barHeight;
                Instant minute = Instant.ofEpochSecond((s.firstMinute() + i) * 60);
                h.append("<rect class=\"bar\" data-event=\"").append(esc(type)).append("\" data-minute=\"").append(esc(minute))
                        .append("\" data-count=\"").append(series[i]).append("\" x=\"")
                        .append(fmt(left + i * barWidth + 1)).append("\" y=\"").append(fmt(height - bottom - stacked[i]))
                        .append("\" width=\"").append(fmt(barWidth - 2)).append("\" height=\"").append(fmt(barHeight))
                        .append("\" fill=\"").append(color).append("\"><title>").append(esc(type)).append(": ")
                        .append(series[i]).append(" at ").append(esc(MINUTE.format(minute))).append("</title></rect>");
            }
        }
        for (int i = 0; i < minutes; i += 10) {
            h.append("<text x=\"").append(fmt(left + i * barWidth)).append("\" y=\"").append(height - 5)
                    .append("\" font-size=\"10\">").append(esc(MINUTE.format(Instant.ofEpochSecond((s.firstMinute() + i) * 60))))
                    .append("</text>");
        }
        h.append("</svg><figcaption><ul class=\"legend\">");
        for (int t = 0; t < types.size(); t++) {
            h.append("<li><svg width=\"10\" height=\"10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" fill=\"")
                    .append(COLORS[t % COLORS.length]).append("\"/></svg> ").append(esc(types.get(t))).append("</li>");
        }
        if (types.isEmpty()) {
            h.append("<li class=\"muted\">no deliveries in the last hour</li>");
        }
        h.append("</ul></figcaption></figure>");
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    private static void latestDeliveries(StringBuilder h, Snapshot s) {
        h.append("<section id=\"latest-deliveries\"><h2>Latest deliveries</h2><table><thead><tr><th>id</th><th>received</th>")
                .append("<th>event</th><th>attributes</th><th>query (credentials redacted)</th><th>notes</th></tr></thead><tbody>");
        for (EventLog.RecordedEvent e : s.latestDeliveries()) {
            h.append("<tr data-delivery-id=\"").append(e.id()).append("\" data-event=\"").append(esc(e.eventType())).append("\"><td>")
                    .append(e.id()).append("</td><td>").append(esc(TIME.format(e.receivedAt()))).append("</td><td>")
                    .append(esc(e.eventType())).append("</td><td><dl class=\"attrs\">");
            e.attributes().forEach((k, v) -> h.append("<dt>").append(esc(k)).append("</dt><dd>").append(esc(v)).append("</dd>"));
            h.append("</dl></td><td><code>").append(esc(e.queryString())).append("</code></td><td>");
            if (e.repeatOf() != null) {
                h.append("repeat of ").append(e.repeatOf()).append(' ');
            }
            if (e.undocumentedValues() != null) {
                h.append("undocumented value in ").append(esc(e.undocumentedValues()));
            }
            h.append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void rejections(StringBuilder h, Snapshot s) {
        long total = Snapshot.total(s.rejections());
        h.append("<section id=\"rejections\"><h2>Rejected requests</h2><p class=\"muted\">This node, since ")
                .append(esc(TIME.format(s.rejectionsSince()))).append(" (kept in memory): <span id=\"rejections-total\" data-count=\"")
                .append(total).append("\">").append(total).append("</span> in all.</p>")
                .append("<table id=\"rejections-by-reason\"><thead><tr><th>reason</th><th>count</th></tr></thead><tbody>");
        s.rejections().forEach((reason, n) -> {
            if (n > 0) {
                h.append("<tr data-reason=\"").append(esc(reason)).append("\"><td>").append(esc(reason))
                        .append("</td><td class=\"num\" data-count=\"").append(n).append("\">").append(n).append("</td></tr>");
            }
        });
        h.append("</tbody></table><h3>Latest rejected requests</h3><table id=\"latest-rejections\"><thead><tr><th>time</th>")
                .append("<th>reason</th><th>status</th><th>method</th><th>path</th><th>query (credentials redacted)</th></tr></thead><tbody>");
        for (EndpointTraffic.RejectedRequest r : s.latestRejections()) {
            h.append("<tr data-reason=\"").append(esc(r.reason())).append("\"><td>").append(esc(TIME.format(r.at())))
                    .append("</td><td>").append(esc(r.reason())).append("</td><td>").append(r.status()).append("</td><td>")
                    .append(esc(r.method())).append("</td><td><code>").append(esc(r.path())).append("</code></td><td><code>")
                    .append(esc(r.query())).append("</code></td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void handlers(StringBuilder h, Snapshot s, String csrfToken, String base) {
        h.append("<section id=\"handlers\"><h2>Handler deliveries</h2><table id=\"handler-counts\"><thead><tr><th>handler</th>")
                .append("<th>pending</th><th>retrying</th><th>dead</th></tr></thead><tbody>");
        for (HandlerDeliveries.HandlerCounts c : s.handlerCounts()) {
            h.append("<tr data-handler=\"").append(esc(c.handler())).append("\"><td>").append(esc(c.handler())).append("</td>");
            count(h, "pending", c.pending());
            count(h, "retrying", c.retrying());
            count(h, "dead", c.dead());
            h.append("</tr>");
        }
        if (s.handlerCounts().isEmpty()) {
            h.append("<tr><td colspan=\"4\" class=\"muted\">nothing pending, retrying or dead</td></tr>");
        }
        h.append("</tbody></table><h3>Retrying</h3><table id=\"retrying\"><thead><tr><th>id</th><th>handler</th><th>event</th>")
                .append("<th>subject</th><th>attempts</th><th>next attempt</th><th>last error</th></tr></thead><tbody>");
        for (HandlerDeliveries.Retrying r : s.retrying()) {
            h.append("<tr data-retrying-id=\"").append(r.id()).append("\"><td>").append(r.id()).append("</td><td>")
                    .append(esc(r.handler())).append("</td><td>").append(r.eventId()).append("</td><td>").append(esc(r.subject()))
                    .append("</td><td>").append(r.attempts()).append("</td><td>")
                    .append(esc(TIME.format(Instant.ofEpochMilli(r.dueAt())))).append("</td><td><pre>")
                    .append(esc(r.lastError())).append("</pre></td></tr>");
        }
        h.append("</tbody></table><h3>Dead letters</h3><table id=\"dead-letters\"><thead><tr><th>id</th><th>handler</th>")
                .append("<th>event</th><th>subject</th><th>attempts</th><th>dead since</th><th>last error</th><th></th></tr></thead><tbody>");
        for (HandlerDeliveries.DeadLetter d : s.dead()) {
            h.append("<tr data-dead-id=\"").append(d.id()).append("\" data-handler=\"").append(esc(d.handler())).append("\"><td>")
                    .append(d.id()).append("</td><td>").append(esc(d.handler())).append("</td><td>").append(d.eventId())
                    .append("</td><td>").append(esc(d.subject())).append("</td><td>").append(d.attempts()).append("</td><td>")
                    .append(esc(TIME.format(Instant.ofEpochMilli(d.finishedAt())))).append("</td><td><pre>")
                    .append(esc(d.lastError())).append("</pre></td><td><form class=\"retry-form\" method=\"post\" action=\"")
                    .append(esc(base)).append("/_dashboard/retry\"><input type=\"hidden\" name=\"id\" value=\"").append(d.id())
                    .append("\"><input type=\"hidden\" name=\"csrf\" value=\"").append(esc(csrfToken))
                    .append("\"><button type=\"submit\" class=\"retry\" data-retry-id=\"").append(d.id())
                    .append("\">Retry</button></form></td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void count(StringBuilder h, String state, long n) {
        h.append("<td class=\"num\" data-state=\"").append(state).append("\" data-count=\"").append(n).append("\">").append(n)
                .append("</td>");
    }

    private static void leadSync(StringBuilder h, Snapshot s) {
        LeadSyncTable.Counts c = s.leadSync();
        h.append("<section id=\"lead-sync\"><h2>Lead sync</h2>");
        if (c != null) {
            h.append("<p><span id=\"lead-sync-pending\" data-count=\"").append(c.pending()).append("\">").append(c.pending())
                    .append("</span> leads waiting for a fetch, <span id=\"lead-sync-failing\" data-count=\"").append(c.failing())
                    .append("\">").append(c.failing()).append("</span> after a failed one, <span id=\"lead-sync-claimed\" data-count=\"")
                    .append(c.claimed()).append("\">").append(c.claimed()).append("</span> being fetched now.</p>");
        }
        h.append("<table id=\"lead-sync-failing-leads\"><thead><tr><th>lead</th><th>reason</th><th>attempts</th><th>last error</th>")
                .append("</tr></thead><tbody>");
        for (LeadSyncTable.Waiting w : s.leadSyncFailing()) {
            h.append("<tr data-lead-id=\"").append(esc(w.leadId())).append("\"><td>").append(esc(w.leadId())).append("</td><td>")
                    .append(esc(w.reason())).append("</td><td>").append(w.attempts()).append("</td><td><pre>")
                    .append(esc(w.lastError())).append("</pre></td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void reconcileRuns(StringBuilder h, Snapshot s) {
        h.append("<section id=\"reconcile-runs\"><h2>Reconcile runs</h2>");
        if (s.reconcileRuns() == null) {
            h.append("<p class=\"muted\">The reconciler module is not deployed with this filter (or the database is not "
                    + "reachable).</p></section>\n");
            return;
        }
        h.append("<table><thead><tr><th>id</th><th>started</th><th>trigger</th><th>outcome</th><th>checked</th>")
                .append("<th>created, missed</th><th>changed, missed</th><th>gone</th><th>failed</th><th>API calls</th>")
                .append("<th>error</th></tr></thead><tbody>");
        for (ReconcileRunsView.Run r : s.reconcileRuns()) {
            h.append("<tr data-run-id=\"").append(r.id()).append("\" data-outcome=\"").append(esc(r.outcome())).append("\"><td>")
                    .append(r.id()).append("</td><td>").append(esc(r.startedAt() == null ? null : TIME.format(r.startedAt())))
                    .append("</td><td>").append(esc(r.trigger())).append(r.dryRun() ? " (dry run)" : "").append("</td><td>")
                    .append(esc(r.outcome())).append("</td><td class=\"num\">").append(r.checked())
                    .append("</td><td class=\"num\" data-repaired=\"created_missed\">").append(r.createdMissed())
                    .append("</td><td class=\"num\" data-repaired=\"changed_missed\">").append(r.changedMissed())
                    .append("</td><td class=\"num\" data-repaired=\"gone\">").append(r.gone()).append("</td><td class=\"num\">")
                    .append(r.failed()).append("</td><td class=\"num\">").append(r.apiCalls()).append("</td><td>")
                    .append(esc(r.error())).append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static final String STYLE = "body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5em 2em;color:#222}"
            + "header{display:flex;gap:1em;align-items:baseline}h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em}"
            + "table{border-collapse:collapse;margin:.5em 0}th,td{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left;"
            + "vertical-align:top}td.num{text-align:right}code,pre{font-size:12px;white-space:pre-wrap;word-break:break-all;margin:0}"
            + ".muted{color:#777}.ok{color:#2a7a2a}.bad{color:#b00020}#notice{background:#eef6ee;padding:.4em}"
            + "#refresh-state[data-stale]{color:#b00020}dl.attrs{margin:0;display:grid;grid-template-columns:auto 1fr;gap:0 .6em}"
            + "dl.attrs dd{margin:0}ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3em 1em;font-size:12px}"
            + "figure{margin:0;max-width:900px}";

    /** Static: no value from the snapshot is ever written into it. */
    private static final String SCRIPT = "(function(){'use strict';"
            + "var seconds=Number(document.body.getAttribute('data-refresh-seconds'))||5;"
            + "var state=document.getElementById('refresh-state');var refreshes=0;"
            + "document.addEventListener('submit',function(e){e.target.setAttribute('data-busy','true');});"
            + "function refresh(){"
            + "if(document.querySelector('form[data-busy]')){return;}"
            + "fetch(location.origin+location.pathname+'?fragment=console',{credentials:'same-origin',cache:'no-store'})"
            + ".then(function(r){if(!r.ok){throw new Error('HTTP '+r.status);}return r.text();})"
            + ".then(function(html){var fresh=new DOMParser().parseFromString(html,'text/html').getElementById('console');"
            + "var old=document.getElementById('console');"
            + "if(fresh&&old&&!document.querySelector('form[data-busy]')){old.replaceWith(document.importNode(fresh,true));}"
            + "refreshes++;state.setAttribute('data-refreshes',String(refreshes));"
            + "state.textContent='';state.removeAttribute('data-stale');})"
            + ".catch(function(e){state.textContent='Refresh failed ('+e.message+'); showing older data.';"
            + "state.setAttribute('data-stale','true');})"
            + ".then(function(){setTimeout(refresh,seconds*1000);});}"
            + "setTimeout(refresh,seconds*1000);})();";
}
