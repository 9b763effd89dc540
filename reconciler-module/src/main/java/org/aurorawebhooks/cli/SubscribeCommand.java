package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.api.Subscription;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.internal.Credentials;
import org.aurorawebhooks.internal.NameSuggestions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "subscribe", mixinStandardHelpOptions = true,
        description = "Create or update Aurora webhook subscriptions whose url_templates match what the filter "
                + "parses, with the configured webhook credential (refused without one unless --no-credential). "
                + "Running it twice changes nothing. Says which other URLs are subscribed to the same events.")
final class SubscribeCommand implements Callable<Integer> {
    @Mixin
    CliContext context;

    @Option(names = "--url", required = true, paramLabel = "BASE_URL",
            description = "your webapp's public URL including its context path, e.g. https://crm.example.com/app")
    String url;

    @Option(names = "--events", paramLabel = "LIST", split = ",",
            description = "comma-separated events to subscribe to (default: all 26)")
    List<String> events;

    @Option(names = "--no-credential",
            description = "subscribe although no webhook credential is configured: Aurora's deliveries then carry "
                    + "none, and the filter accepts them only with aurora.webhooks.auth.disabled=true")
    boolean noCredential;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Settings settings = context.settings();
        CliContext.requireApi(settings);
        URI base = SubscriptionUrls.baseUrl(spec.commandLine(), url);
        refuseWebhooksPath(base, settings.webhooksPath());
        List<EventType> chosen = chosenEvents(spec.commandLine(), events);
        checkCredential(settings);
        PrintWriter out = spec.commandLine().getOut();
        out.println(CliContext.apiLine(settings));
        String headerName = settings.headerName().orElse(null);
        String headerValue = settings.headerValues().isEmpty() ? null : settings.headerValues().get(0);
        if (headerName == null && settings.basicUsername().isPresent()) {
            base = withUserInfo(base, settings.basicUsername().get(), settings.basicPassword().orElse(""));
        }
        if (noCredential) {
            out.println("no credential (--no-credential): the filter accepts these deliveries only with "
                    + Key.AUTH_DISABLED.key() + "=true");
        }
        List<Subscription> desired = new ArrayList<>();
        for (EventType event : chosen) {
            desired.add(new Subscription(null, event.name(), template(base, settings.webhooksPath(), event),
                    "aurora-webhooks: " + event.name(), true, headerName, headerValue));
        }
        // Closed: the client owns threads (its HttpClient's), which would outlive the command in-process.
        try (AuroraApi api = AuroraApi.create(settings)) {
            List<Subscription> existing = api.listWebhooks();
            Result result = apply(api, existing, desired, base.toString(), settings.webhooksPath());
            out.printf("subscriptions: %d created, %d updated, %d unchanged%n", result.created, result.updated, result.unchanged);
            printOthers(out, existing, chosen, base.toString(), settings.webhooksPath());
        }
        out.flush();
        return Main.DONE;
    }

    /**
     * A base URL that already ends with the filter's path would make templates with the path twice
     * ({@code …/aurora/webhooks/aurora/webhooks/lead_created}), which the filter answers 404.
     */
    private void refuseWebhooksPath(URI base, String webhooksPath) {
        if (SubscriptionUrls.withoutUserInfo(base.toString()).endsWith(webhooksPath)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url: \"" + Credentials.maskUrl(url)
                    + "\" ends with the webhook path " + webhooksPath + " (" + Key.WEBHOOKS_PATH.key()
                    + "); pass the app's base URL including its context path, without the webhook path, e.g. "
                    + Credentials.maskUrl(base.toString().substring(0, base.toString().length() - webhooksPath.length())));
        }
    }

    /** Without a credential Aurora's deliveries would be refused (401) or accepted from anyone: say so, unless asked. */
    private void checkCredential(Settings settings) {
        if (settings.webhookCredentialConfigured() && noCredential) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--no-credential: a webhook credential is "
                    + "configured (" + (settings.headerName().isPresent() ? Key.AUTH_HEADER_NAME.key() + " from "
                    + settings.sourceOf(Key.AUTH_HEADER_NAME) : Key.AUTH_BASIC_USERNAME.key() + " from "
                    + settings.sourceOf(Key.AUTH_BASIC_USERNAME)) + "); drop the flag to subscribe with it");
        }
        if (!settings.webhookCredentialConfigured() && !noCredential) {
            throw new ConfigException("no webhook credential is configured, so Aurora's deliveries would carry none: set "
                    + Key.AUTH_HEADER_NAME.key() + " and " + Key.AUTH_HEADER_VALUE.key() + " (or "
                    + Key.AUTH_BASIC_USERNAME.key() + " and " + Key.AUTH_BASIC_PASSWORD.key()
                    + ") to the values the webapp uses, or pass --no-credential to subscribe without one");
        }
    }

    /**
     * Subscriptions of the chosen events that point elsewhere: Aurora sends each delivery to every one
     * of them, so a second base URL (an old deployment, a staging host) doubles every delivery.
     */
    private static void printOthers(PrintWriter out, List<Subscription> existing, List<EventType> chosen,
                                    String base, String webhooksPath) {
        Set<String> chosenNames = new TreeSet<>();
        chosen.forEach(e -> chosenNames.add(e.name()));
        // Keyed by base URL when subscribe made the subscription (unsubscribe --url removes it), else by its URL.
        Map<String, Set<String>> eventsByBase = new TreeMap<>();
        Map<String, Set<String>> eventsByForeignUrl = new TreeMap<>();
        for (Subscription have : existing) {
            if (chosenNames.contains(have.event()) && !SubscriptionUrls.ownedBy(have.urlTemplate(), base, webhooksPath)) {
                String other = SubscriptionUrls.baseOf(have.urlTemplate(), have.event(), webhooksPath);
                boolean made = SubscriptionUrls.ownedBy(have.urlTemplate(), other, webhooksPath);
                (made ? eventsByBase : eventsByForeignUrl).computeIfAbsent(made ? other
                        : SubscriptionUrls.withoutUserInfo(have.urlTemplate()).replaceFirst("\\?.*", ""),
                        b -> new TreeSet<>()).add(have.event());
            }
        }
        if (eventsByBase.isEmpty() && eventsByForeignUrl.isEmpty()) {
            out.println("no other URL is subscribed to these events");
            return;
        }
        out.println("also subscribed to these events, so Aurora sends each of their deliveries there too:");
        eventsByBase.forEach((other, names) -> out.printf("  %s: %d event(s) (%s); remove with: unsubscribe --url %s%n",
                Credentials.maskUrl(other), names.size(), String.join(", ", names), Credentials.maskUrl(other)));
        eventsByForeignUrl.forEach((other, names) -> out.printf("  %s: %d event(s) (%s); not made by subscribe (not "
                + "BASE_URL%s/EVENT), so unsubscribe leaves it: delete it with Aurora's webhook API%n",
                Credentials.maskUrl(other), names.size(), String.join(", ", names), webhooksPath));
    }

    /** What {@link #apply} did. */
    record Result(int created, int updated, int unchanged) {
    }

    /**
     * Makes Aurora's subscriptions match {@code desired}: one per event, recognised as ours by the URL
     * prefix (see {@link SubscriptionUrls#ownedBy}). Aurora may not echo {@code header_auth_value}; then only the key is compared.
     */
    static Result apply(AuroraApi api, List<Subscription> existing, List<Subscription> desired, String base,
                        String webhooksPath) {
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        for (Subscription want : desired) {
            Subscription mine = null;
            for (Subscription have : existing) {
                if (have.event().equals(want.event()) && SubscriptionUrls.ownedBy(have.urlTemplate(), base, webhooksPath)) {
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

    private static List<EventType> chosenEvents(CommandLine cli, List<String> names) {
        EventCatalog catalog = EventCatalog.aurora();
        if (names == null || names.isEmpty()) {
            return catalog.events();
        }
        List<EventType> out = new ArrayList<>();
        for (String name : names) {
            String trimmed = name.trim();
            out.add(catalog.find(trimmed).orElseThrow(() -> new CommandLine.ParameterException(cli, "--events: \""
                    + name + "\" is not an Aurora event" + NameSuggestions.closest(trimmed, catalog.names())
                    .map(e -> "; did you mean " + e + "?").orElse("; expected one of the 26 event names, e.g. lead_created"))));
        }
        return out;
    }

    static URI withUserInfo(URI base, String user, String password) {
        String info = URLEncoder.encode(user, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        String s = base.toString();
        int scheme = s.indexOf("://") + 3;
        return URI.create(s.substring(0, scheme) + info + "@" + s.substring(scheme));
    }
}
