package org.aurorawebhooks.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for which query parameters carry credentials, and the one way to print a URL that may
 * hold some. The filter redacts the query string it stores with the rule (and leaves those values out of
 * fingerprints); the CLI, the API client's values and the simulator mask URLs with {@link #maskUrl}.
 *
 * <p>Changing {@link #isCredentialName} changes stored fingerprints of deliveries carrying such a
 * parameter, and so repeat detection across the change: widen it with care.
 *
 * <p>Internal and unsupported: it may change in any release.
 */
public final class Credentials {
    /** What {@link #maskUrl} shows in place of a secret. */
    public static final String MASK = "****";

    /** {@code scheme://user-info@}: the user info ends before the first '/', '?' or '#'. */
    private static final Pattern USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@?#]*)@");

    private Credentials() {
    }

    /**
     * True for a (percent-decoded) query parameter name that carries a credential: a token the user put
     * in the URL template, Aurora's {@code session_token} for partner apps, keys, secrets, passwords,
     * signatures. Case does not matter.
     */
    public static boolean isCredentialName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("token") || n.contains("secret") || n.contains("password") || n.contains("passwd")
                || n.contains("apikey") || n.contains("api_key") || n.contains("api-key") || n.contains("signature")
                || n.equals("key") || n.equals("pwd") || n.equals("sig") || n.equals("auth") || n.equals("credential")
                || n.equals("credentials") || n.equals("header_auth_value");
    }

    /**
     * The URL as it may be printed or logged: the password of a {@code user:password@} and the values of
     * credential-bearing query parameters replaced by {@link #MASK}; everything else as given. A
     * parameter's name is percent-decoded before the rule applies and printed as given.
     */
    public static String maskUrl(String url) {
        String out = url;
        Matcher userInfo = USER_INFO.matcher(out);
        if (userInfo.find()) {
            String info = userInfo.group(2);
            int colon = info.indexOf(':');
            if (colon >= 0) {
                out = userInfo.group(1) + info.substring(0, colon) + ":" + MASK + "@" + out.substring(userInfo.end());
            }
        }
        int q = out.indexOf('?');
        if (q < 0) {
            return out;
        }
        int hash = out.indexOf('#', q);
        String query = hash < 0 ? out.substring(q + 1) : out.substring(q + 1, hash);
        StringBuilder sb = new StringBuilder(out.length()).append(out, 0, q + 1);
        String[] pairs = query.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            int eq = pairs[i].indexOf('=');
            String name = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
            sb.append(i == 0 ? "" : "&").append(eq >= 0 && isCredentialName(decoded(name)) ? name + "=" + MASK : pairs[i]);
        }
        return hash < 0 ? sb.toString() : sb.append(out, hash, out.length()).toString();
    }

    private static String decoded(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return name; // a bad escape: judge the name as written
        }
    }
}
