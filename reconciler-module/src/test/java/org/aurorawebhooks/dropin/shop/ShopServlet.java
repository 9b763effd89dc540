package org.aurorawebhooks.dropin.shop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.PackageVersion;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The integrator's own servlet in the drop-in tests: it is not on the test classpath of the webapp
 * but copied into {@code WEB-INF/classes}, next to the host's own, older Jackson and JDBI in
 * {@code WEB-INF/lib}. It answers every request with JSON written by that Jackson, naming the
 * Jackson version and the jar its {@code Jdbi} class came from, so a test can tell whose libraries
 * the host app really gets, and how many deliveries the shop's handlers have handled ({@link ShopLedger}).
 */
public final class ShopServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("shop", req.getMethod() + " " + req.getRequestURI());
        body.put("jackson", PackageVersion.VERSION.toString());
        body.put("jdbi", jarOf(Jdbi.class));
        body.put("handled", ShopLedger.count());
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().print(new ObjectMapper().writeValueAsString(body));
    }

    /** The file name of the jar a class was loaded from; containers write its location differently. */
    private static String jarOf(Class<?> type) {
        String location = String.valueOf(type.getProtectionDomain().getCodeSource().getLocation());
        int bang = location.indexOf("!/");
        String file = bang < 0 ? location : location.substring(0, bang);
        if (file.endsWith("/")) {
            file = file.substring(0, file.length() - 1);
        }
        return file.substring(file.lastIndexOf('/') + 1);
    }
}
