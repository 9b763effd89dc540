package org.aurorawebhooks.simulator;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A webhook delivery as Aurora sends it from a subscription: the {@code url_template} with its
 * {@code <PLACEHOLDER>}s filled in, a GET carrying the subscription's header auth, or the basic auth of
 * a {@code user:password@} in the template (Aurora turns one into an {@code Authorization} header; Java's
 * client would not). Shared by the simulated Aurora and {@code aurora-reconciler trigger}, so that both
 * send exactly what a subscription would.
 *
 * <p>Internal and unsupported, like the rest of the simulator.
 */
public final class WebhookDelivery {
    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Z_]+)>");
    private static final Pattern USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@?#]*)@");

    private WebhookDelivery() {
    }

    /**
     * The template with each {@code <PLACEHOLDER>} replaced by its value ({@code <LEAD_ID>} from
     * {@code lead_id}, {@code <DESIGN_REQUEST_ID_IN_AURORA>} from {@code design_request_id}), URL-encoded;
     * a missing one becomes empty.
     */
    public static String expand(String urlTemplate, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(urlTemplate);
        StringBuilder url = new StringBuilder();
        while (m.find()) {
            String value = values.getOrDefault(EventValues.parameterOf(m.group(1)), "");
            m.appendReplacement(url, Matcher.quoteReplacement(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        }
        m.appendTail(url);
        return url.toString();
    }

    /**
     * The GET Aurora sends to an expanded URL: the header credential when both name and value are given,
     * and a {@code user:password@} moved out of the URL into basic auth.
     *
     * @throws IllegalArgumentException when the URL is not one Java's client can send to
     */
    public static HttpRequest request(String url, String headerName, String headerValue, Duration timeout) {
        Matcher userInfo = USER_INFO.matcher(url);
        String target = userInfo.find() ? userInfo.replaceFirst("$1") : url;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target)).timeout(timeout).GET();
        if (headerName != null && headerValue != null) {
            b.header(headerName, headerValue);
        }
        if (!target.equals(url)) {
            String info = URLDecoder.decode(userInfo.group(2), StandardCharsets.UTF_8);
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
        }
        return b.build();
    }

    /** The URL without its {@code user:password@}: where the request goes. */
    public static String withoutUserInfo(String url) {
        return USER_INFO.matcher(url).replaceFirst("$1");
    }
}
