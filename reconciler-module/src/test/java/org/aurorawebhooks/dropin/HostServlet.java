package org.aurorawebhooks.dropin;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * The host webapp's own servlet in the drop-in tests. It uses the host's own (older) Jackson from its
 * WEB-INF/lib and reports that version, proving the library's bundled Jackson does not replace it.
 */
public final class HostServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("application/json");
        resp.getWriter().print(new ObjectMapper().writeValueAsString(Map.of(
                "host", req.getRequestURI(),
                "jackson", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString())));
    }
}
