package org.aurorawebhooks.sample;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.config.ConfigSource;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.reconcile.ReconcileRuns;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.EventLog;
import org.aurorawebhooks.store.HandlerDeliveries;
import org.aurorawebhooks.sync.LeadStore;
import org.aurorawebhooks.sync.LeadSyncQueue;

/**
 * "Your existing app": a page of its own that shows what the library recorded (the latest webhook
 * deliveries, the synced leads, the leads waiting for a fetch, what the sample's handler handled, the
 * reconcile runs), refreshed every
 * few seconds. It reads through the classes that own those tables, never with SQL of its own, and
 * escapes every value it shows (a delivery's attributes are whatever the sender put in the URL).
 */
public final class SampleHomeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final int ROWS = 15;

    private transient Database database;
    private transient String webhooksPath;

    @Override
    public void init() throws ServletException {
        try {
            Settings settings = settings();
            webhooksPath = settings.webhooksPath();
            database = Database.open(settings);
        } catch (ConfigException e) {
            throw new ServletException("sample page: " + e.getMessage(), e);
        }
    }

    /**
     * The database settings as the filter reads them (context init-params, then system properties, the
     * environment and aurora.config), except that without any the sample's own database is the default.
     */
    private Settings settings() {
        Map<String, String> params = new HashMap<>();
        for (Key key : List.of(Key.DB_URL, Key.DB_USERNAME, Key.DB_PASSWORD, Key.WEBHOOKS_PATH)) {
            String value = getServletContext().getInitParameter(key.key());
            if (value != null) {
                params.put(key.key(), value);
            }
        }
        ConfigSource context = ConfigSource.of("servlet context init-param", params);
        Settings settings = Settings.load(List.of(context));
        if (settings.get(Key.DB_URL).isEmpty() || "built-in default".equals(settings.sourceOf(Key.DB_URL))) {
            settings = Settings.load(List.of(context, ConfigSource.of("sample default",
                    Map.of(Key.DB_URL.key(), SampleApp.DEFAULT_DB_URL))));
        }
        return settings;
    }

    @Override
    public void destroy() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/html;charset=utf-8");
        PrintWriter out = resp.getWriter();
        out.println("<!doctype html><html><head><meta charset=utf-8><meta http-equiv=refresh content=3>"
                + "<title>Your existing app, with aurora-webhooks</title><style>body{font:14px system-ui;margin:2em}"
                + "table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
                + "th{background:#f4f4f4}</style></head><body>");
        out.println("<h1>Your existing app</h1><p>This page is the host app's own servlet. aurora-webhooks records "
                + "Aurora's deliveries under <code>" + escape(webhooksPath) + "/&lt;event&gt;</code> and keeps "
                + "<code>aurora_leads</code> in sync. The page refreshes every 3 seconds.</p>");
        String console = req.getContextPath() + webhooksPath + "/_dashboard";
        out.println("<p>The library's own operator console is at <a href=\"" + escape(console) + "\">" + escape(console)
                + "</a> (behind <code>aurora.admin.username</code>/<code>aurora.admin.password</code>; in demo mode the "
                + "sample prints a generated pair at start).</p>");
        table(out, "Latest webhook deliveries (aurora_webhook_events)",
                List.of("id", "event", "received", "attributes", "undocumented values", "repeat of"),
                () -> rows(new EventLog(database).latest(ROWS), e -> cells(e.id(), e.eventType(), e.receivedAt(),
                        attributes(e.attributes()), e.undocumentedValues(), e.repeatOf())));
        table(out, "Leads (aurora_leads)",
                List.of("lead", "first name", "last name", "email", "address", "updated", "last fetched", "gone"),
                () -> rows(new LeadStore(database).recent(ROWS), l -> cells(l.leadId(), l.firstName(), l.lastName(),
                        l.email(), l.address(), l.updatedAt(), l.lastFetchedAt(), l.goneAt())));
        table(out, "Leads waiting for a fetch (aurora_lead_sync)",
                List.of("lead", "reason", "attempts", "last error"),
                () -> rows(new LeadSyncQueue(database, Clock.systemUTC()).waiting(ROWS), w -> cells(w.leadId(),
                        w.reason(), w.attempts(), w.lastError())));
        table(out, "Handlers (aurora_handler_deliveries): SampleHandler logs signed agreements and counts lead events; "
                + "in demo mode DemoCrmHandler copies projects into a CRM that fails now and then",
                List.of("handler", "done", "waiting", "retrying", "dead"),
                () -> database.jdbi().withHandle(h -> rows(new HandlerDeliveries(database.dialect()).counts(h),
                        c -> cells(c.handler(), c.done(), c.pending(), c.retrying(), c.dead()))));
        table(out, "Reconcile runs (aurora_reconcile_runs)",
                List.of("id", "started", "trigger", "outcome", "checked", "created, missed", "changed, missed",
                        "unchanged", "gone", "not found", "failed", "API calls"),
                () -> rows(new ReconcileRuns(database).recent(5), r -> cells(r.id(), r.startedAt(), r.trigger(),
                        r.outcome() + (r.dryRun() ? " (dry run)" : ""), r.checked(), r.createdMissed(),
                        r.changedMissed(), r.unchanged(), r.gone(), r.notFound(), r.failed(), r.apiCalls())));
        out.println("</body></html>");
    }

    /** One table; a read that fails (the tables are not created yet, the database is down) says so instead. */
    private static void table(PrintWriter out, String title, List<String> columns, Supplier<List<List<Object>>> read) {
        out.println("<h2>" + escape(title) + "</h2>");
        List<List<Object>> rows;
        try {
            rows = read.get();
        } catch (RuntimeException e) {
            out.println("<p>Cannot read it yet: " + escape(String.valueOf(e.getMessage())) + "</p>");
            return;
        }
        if (rows.isEmpty()) {
            out.println("<p>(none yet)</p>");
            return;
        }
        out.print("<table><tr>");
        for (String column : columns) {
            out.print("<th>" + escape(column) + "</th>");
        }
        out.println("</tr>");
        for (List<Object> row : rows) {
            out.print("<tr>");
            for (Object value : row) {
                out.print("<td>" + escape(value == null ? "" : value.toString()) + "</td>");
            }
            out.println("</tr>");
        }
        out.println("</table>");
    }

    private static <T> List<List<Object>> rows(List<T> items, java.util.function.Function<T, List<Object>> cells) {
        List<List<Object>> out = new ArrayList<>();
        for (T item : items) {
            out.add(cells.apply(item));
        }
        return out;
    }

    /** The cells of one row; null shows as empty. */
    private static List<Object> cells(Object... values) {
        return java.util.Arrays.asList(values);
    }

    private static String attributes(Map<String, String> attributes) {
        StringBuilder sb = new StringBuilder();
        attributes.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }

    /** HTML-escapes text for an element's content or a quoted attribute. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
