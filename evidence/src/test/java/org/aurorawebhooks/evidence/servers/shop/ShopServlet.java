package org.aurorawebhooks.evidence.servers.shop;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The plain existing webapp's own servlet, on {@code /*}: every page it serves names the request and how many
 * leads the shop's handler has booked since the webapp started, so a test sees both that the host's pages are
 * intact and, from the webapp's side, that its handler ran. Copied into the test webapp's
 * {@code WEB-INF/classes}; it knows nothing of aurora-webhooks but the handler it ships.
 */
public final class ShopServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=utf-8");
        resp.getWriter().print("shop: " + req.getMethod() + " " + req.getRequestURI() + " booked=" + ShopLeadBook.booked());
    }
}
