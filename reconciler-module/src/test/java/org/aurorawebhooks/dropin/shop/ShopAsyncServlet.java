package org.aurorawebhooks.dropin.shop;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * An asynchronous servlet of the integrator's in the drop-in tests: {@code startAsync()} throws unless
 * every filter in front of it supports async, aurora-webhooks' included, so a {@code 200}
 * {@code {"shop":"async"}} shows that the filter was registered with async support.
 */
public final class ShopAsyncServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        AsyncContext async = req.startAsync();
        async.start(() -> {
            try {
                HttpServletResponse response = (HttpServletResponse) async.getResponse();
                response.setContentType("application/json");
                response.getWriter().print("{\"shop\":\"async\"}");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                async.complete();
            }
        });
    }
}
