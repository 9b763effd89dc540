package org.aurorawebhooks.cli;

import java.net.URI;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Reading the URLs of webhook subscriptions: which base URL a template points at, and how to print it
 * without the credentials it may carry (basic auth in the user info, a token in the query).
 */
final class SubscriptionUrls {
    static final String MASK = "****";

    private SubscriptionUrls() {
    }

    /** {@code --url}: an http(s) URL without a query; a trailing slash is dropped. */
    static URI baseUrl(CommandLine cli, String text) {
        try {
            String trimmed = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
            URI uri = URI.create(trimmed);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    || uri.getQuery() != null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--url: \"" + text
                    + "\" is not an http(s) URL without a query, e.g. https://crm.example.com/app");
        }
    }

    /** True when the template's URL (user info and query aside) is {@code base} or lies under it. */
    static boolean pointsAt(String urlTemplate, String base) {
        String t = withoutQuery(withoutUserInfo(urlTemplate));
        String b = withoutQuery(withoutUserInfo(base));
        return t.equals(b) || t.startsWith(b + "/");
    }

    /**
     * The base URL a template was made from: the template without credentials and query, without the
     * trailing {@code /event} and, when it ends so, without the filter's path.
     */
    static String baseOf(String urlTemplate, String event, String webhooksPath) {
        String t = withoutQuery(withoutUserInfo(urlTemplate));
        if (t.endsWith("/" + event)) {
            t = t.substring(0, t.length() - event.length() - 1);
        }
        if (t.endsWith(webhooksPath)) {
            t = t.substring(0, t.length() - webhooksPath.length());
        }
        return t;
    }

    /** The URL with a basic-auth password and the values of credential-like query parameters masked. */
    static String masked(String url) {
        String out = url;
        int scheme = out.indexOf("://");
        if (scheme >= 0) {
            int hostStart = scheme + 3;
            int slash = out.indexOf('/', hostStart);
            int at = out.lastIndexOf('@', slash < 0 ? out.length() : slash);
            if (at > hostStart) {
                String info = out.substring(hostStart, at);
                int colon = info.indexOf(':');
                String user = colon < 0 ? info : info.substring(0, colon);
                out = out.substring(0, hostStart) + user + (colon < 0 ? "" : ":" + MASK) + out.substring(at);
            }
        }
        int q = out.indexOf('?');
        if (q < 0) {
            return out;
        }
        StringBuilder sb = new StringBuilder(out.substring(0, q + 1));
        String[] pairs = out.substring(q + 1).split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            int eq = pairs[i].indexOf('=');
            String name = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
            sb.append(i == 0 ? "" : "&").append(eq >= 0 && isCredential(name) ? name + "=" + MASK : pairs[i]);
        }
        return sb.toString();
    }

    /** True when the template carries a basic-auth credential in its user info. */
    static boolean hasUserInfo(String url) {
        return !withoutUserInfo(url).equals(url);
    }

    /**
     * Query parameters that carry credentials. The same rule the filter uses to redact the query string
     * it stores ({@code DeliveryParser.isCredential}), which is package-private in another module.
     */
    private static boolean isCredential(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("token") || n.contains("secret") || n.contains("password") || n.contains("passwd")
                || n.contains("apikey") || n.contains("api_key") || n.contains("api-key") || n.contains("signature")
                || n.equals("key") || n.equals("pwd") || n.equals("sig") || n.equals("auth") || n.equals("credential")
                || n.equals("credentials") || n.equals("header_auth_value");
    }

    static String withoutUserInfo(String url) {
        return url.replaceFirst("://[^/@?]*@", "://");
    }

    private static String withoutQuery(String url) {
        int q = url.indexOf('?');
        String t = q < 0 ? url : url.substring(0, q);
        return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
    }
}
