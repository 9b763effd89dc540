package org.aurorawebhooks.cli;

import java.net.URI;
import picocli.CommandLine;

/**
 * Reading the URLs of webhook subscriptions: which base URL a template points at. Printing one goes
 * through {@link org.aurorawebhooks.internal.Credentials#maskUrl}, which hides the credentials it may carry.
 */
final class SubscriptionUrls {
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

    /**
     * True when the template is one that {@code subscribe --url BASE} makes and owns: it begins with
     * {@code BASE + webhooksPath + "/"}, user info aside on both. A template under a longer or a shorter
     * base is not: {@code https://h/app} owns neither {@code https://h/app/aurora/webhooks/aurora/webhooks/…}
     * (made from {@code https://h/app/aurora/webhooks}) nor {@code https://h/aurora/webhooks/…}.
     */
    static boolean ownedBy(String urlTemplate, String base, String webhooksPath) {
        String b = withoutUserInfo(base);
        b = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        return withoutUserInfo(urlTemplate).startsWith(b + webhooksPath + "/");
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

    /** True when the template carries a basic-auth credential in its user info. */
    static boolean hasUserInfo(String url) {
        return !withoutUserInfo(url).equals(url);
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
