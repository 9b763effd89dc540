package org.aurorawebhooks.dropin.shop;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The integrator's own security filter in the drop-in tests, declared on {@code /*} in the host's
 * {@code web.xml}: a request without the {@code shop-session} cookie gets {@code 403}
 * {@code {"shop":"login required"}}. Aurora sends no such cookie, so a delivery reaches
 * aurora-webhooks only if its filter runs first.
 */
public final class ShopLoginFilter implements Filter {
    public static final String COOKIE = "shop-session";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Cookie[] cookies = ((HttpServletRequest) request).getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (COOKIE.equals(cookie.getName())) {
                    chain.doFilter(request, response);
                    return;
                }
            }
        }
        HttpServletResponse http = (HttpServletResponse) response;
        http.setStatus(403);
        http.setContentType("application/json");
        http.getWriter().print("{\"shop\":\"login required\"}");
    }
}
