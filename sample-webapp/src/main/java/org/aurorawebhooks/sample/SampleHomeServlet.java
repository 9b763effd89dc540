package org.aurorawebhooks.sample;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * "Your existing app": a page of its own that shows what the library recorded (the latest webhook
 * deliveries, the synced leads, the reconcile runs), refreshed every few seconds. It only reads the
 * library's public tables, as any host app may.
 */
public final class SampleHomeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private transient Jdbi jdbi;

    @Override
    public void init() throws ServletException {
        String url = getServletContext().getInitParameter("aurora.db.url");
        if (url == null) {
            url = System.getProperty("aurora.db.url", SampleApp.DEFAULT_DB_URL);
        }
        jdbi = Jdbi.create(url);
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
                + "Aurora's deliveries under <code>/aurora/webhooks/&lt;event&gt;</code> and keeps <code>aurora_leads</code> "
                + "in sync. The page refreshes every 3 seconds.</p>");
        try {
            table(out, "Latest webhook deliveries (aurora_webhook_events)",
                    "SELECT id, event_type, received_at, lead_id, project_id, status, source, undocumented_values, repeat_of "
                            + "FROM aurora_webhook_events ORDER BY id DESC LIMIT 15");
            table(out, "Leads (aurora_leads)",
                    "SELECT lead_id, customer_first_name, customer_last_name, customer_email, address, updated_at, "
                            + "last_fetched_at, gone_at FROM aurora_leads ORDER BY last_fetched_at DESC LIMIT 15");
            table(out, "Leads waiting for a fetch (aurora_lead_sync)",
                    "SELECT lead_id, reason, attempts, last_error FROM aurora_lead_sync ORDER BY due_at LIMIT 15");
            table(out, "Reconcile runs (aurora_reconcile_runs)",
                    "SELECT id, started_at, trigger_type, outcome, checked, created_missed, changed_missed, unchanged, gone, "
                            + "failed, api_calls FROM aurora_reconcile_runs ORDER BY id DESC LIMIT 5");
        } catch (RuntimeException e) {
            out.println("<p>The tables are not there yet: " + escape(String.valueOf(e.getMessage())) + "</p>");
        }
        out.println("</body></html>");
    }

    private void table(PrintWriter out, String title, String sql) {
        List<Map<String, Object>> rows = jdbi.withHandle(h -> h.createQuery(sql).mapToMap().list());
        out.println("<h2>" + escape(title) + "</h2>");
        if (rows.isEmpty()) {
            out.println("<p>(none yet)</p>");
            return;
        }
        out.println("<table><tr>");
        for (String column : rows.get(0).keySet()) {
            out.print("<th>" + escape(column) + "</th>");
        }
        out.println("</tr>");
        for (Map<String, Object> row : rows) {
            out.print("<tr>");
            for (Object value : row.values()) {
                out.print("<td>" + escape(value == null ? "" : value.toString()) + "</td>");
            }
            out.println("</tr>");
        }
        out.println("</table>");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
