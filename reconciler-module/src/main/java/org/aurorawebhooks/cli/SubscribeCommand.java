package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.api.Subscription;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.config.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "subscribe", mixinStandardHelpOptions = true,
        description = "Create or update Aurora webhook subscriptions whose url_templates match what the filter "
                + "parses, with the configured header auth. Running it twice changes nothing.")
final class SubscribeCommand implements Callable<Integer> {
    @Mixin
    CliContext context;

    @Option(names = "--url", required = true, paramLabel = "BASE_URL",
            description = "your webapp's public URL including its context path, e.g. https://crm.example.com/app")
    String url;

    @Option(names = "--events", paramLabel = "LIST", split = ",",
            description = "comma-separated events to subscribe to (default: all 26)")
    List<String> events;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Settings settings = context.settings();
        CliContext.requireApi(settings);
        URI base = baseUrl(spec.commandLine(), url);
        List<EventType> chosen = chosenEvents(spec.commandLine(), events);
        PrintWriter out = spec.commandLine().getOut();
        String headerName = settings.headerName().orElse(null);
        String headerValue = settings.headerValues().isEmpty() ? null : settings.headerValues().get(0);
        if (headerName == null) {
            if (settings.basicUsername().isPresent()) {
                base = withUserInfo(base, settings.basicUsername().get(), settings.basicPassword().orElse(""));
            } else {
                out.println("warning: no aurora.webhooks.auth.header-name/header-value configured: the subscriptions "
                        + "carry no credential, and the filter only accepts them with aurora.webhooks.auth.disabled=true");
            }
        }
        List<Subscription> desired = new ArrayList<>();
        for (EventType event : chosen) {
            desired.add(new Subscription(null, event.name(), template(base, settings.webhooksPath(), event),
                    "aurora-webhooks: " + event.name(), true, headerName, headerValue));
        }
        Result result = apply(AuroraApi.create(settings), desired, base + settings.webhooksPath() + "/");
        out.printf("subscriptions: %d created, %d updated, %d unchanged%n", result.created, result.updated, result.unchanged);
        out.flush();
        return Main.DONE;
    }

    /** What {@link #apply} did. */
    record Result(int created, int updated, int unchanged) {
    }

    /**
     * Makes Aurora's subscriptions match {@code desired}: one per event, recognised as ours by the URL
     * prefix. Aurora may not echo {@code header_auth_value}; then only the key is compared.
     */
    static Result apply(AuroraApi api, List<Subscription> desired, String ourPrefix) {
        List<Subscription> existing = api.listWebhooks();
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        for (Subscription want : desired) {
            Subscription mine = null;
            for (Subscription have : existing) {
                if (have.event().equals(want.event()) && stripUserInfo(have.urlTemplate()).startsWith(stripUserInfo(ourPrefix))) {
                    mine = have;
                    break;
                }
            }
            if (mine == null) {
                api.createWebhook(want);
                created++;
            } else if (mine.sameAs(want) || (mine.headerAuthValue() == null && mine.sameAs(
                    new Subscription(want.id(), want.event(), want.urlTemplate(), want.description(), want.enabled(),
                            want.headerAuthKey(), null)))) {
                unchanged++;
            } else {
                api.updateWebhook(mine.id(), want);
                updated++;
            }
        }
        return new Result(created, updated, unchanged);
    }

    /** {@code BASE/aurora/webhooks/lead_created?lead_id=<LEAD_ID>&source=<SOURCE>}: the path the filter owns. */
    static String template(URI base, String webhooksPath, EventType event) {
        String suggested = event.suggestedTemplate();
        int q = suggested.indexOf('?');
        return base + webhooksPath + "/" + event.name() + (q < 0 ? "" : suggested.substring(q));
    }

    private static URI baseUrl(CommandLine cli, String text) {
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

    private static List<EventType> chosenEvents(CommandLine cli, List<String> names) {
        EventCatalog catalog = EventCatalog.aurora();
        if (names == null || names.isEmpty()) {
            return catalog.events();
        }
        List<EventType> out = new ArrayList<>();
        for (String name : names) {
            out.add(catalog.find(name.trim()).orElseThrow(() -> new CommandLine.ParameterException(cli,
                    "--events: \"" + name + "\" is not an Aurora event; expected some of " + catalog.names())));
        }
        return out;
    }

    private static URI withUserInfo(URI base, String user, String password) {
        String info = URLEncoder.encode(user, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        String s = base.toString();
        int scheme = s.indexOf("://") + 3;
        return URI.create(s.substring(0, scheme) + info + "@" + s.substring(scheme));
    }

    private static String stripUserInfo(String url) {
        return url.replaceFirst("://[^/@]*@", "://");
    }
}
