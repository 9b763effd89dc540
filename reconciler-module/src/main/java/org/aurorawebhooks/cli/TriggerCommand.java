package org.aurorawebhooks.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.aurorawebhooks.catalog.EventCatalog;
import org.aurorawebhooks.catalog.EventType;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.internal.Credentials;
import org.aurorawebhooks.internal.NameSuggestions;
import org.aurorawebhooks.simulator.EventValues;
import org.aurorawebhooks.simulator.WebhookDelivery;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trigger EVENT --url BASE_URL [name=value …]}: one delivery of an event, sent as Aurora would
 * send it from the subscription {@code subscribe --url BASE_URL} makes. The URL comes from the same
 * template ({@link SubscribeCommand#template}), the values from the simulator's generator and the request
 * from the simulator's sender ({@link WebhookDelivery}), so a 200 here means a real subscription's
 * delivery is accepted too.
 */
@Command(name = "trigger", mixinStandardHelpOptions = true,
        description = "Send one delivery of an Aurora event to your webapp as Aurora would: a GET of "
                + "BASE_URL + aurora.webhooks.path + /EVENT with the event's suggested url_template filled in "
                + "(generated UUIDs, documented values, your name=value overrides) and the configured webhook "
                + "credential. Prints the request (credential masked) and the answer. Exit 0 on a 2xx answer, "
                + "1 on another answer, 3 when nothing answers.")
final class TriggerCommand implements Callable<Integer> {
    /** How long to wait for the connection and for the answer: the filter answers after its commit. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** A body longer than this is cut: the filter's answers are short, a host app's error page may not be. */
    private static final int BODY_SHOWN = 2_000;

    @Mixin
    CliContext context;

    @Parameters(index = "0", arity = "0..1", paramLabel = "EVENT",
            description = "one of the 26 Aurora events, e.g. lead_created (--list shows them)")
    String event;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "name=value",
            description = "attribute values to send instead of generated ones, e.g. lead_id=7f1c… source=api")
    List<String> assignments = new ArrayList<>();

    @Option(names = "--url", paramLabel = "BASE_URL",
            description = "your webapp's URL including its context path, as given to subscribe, e.g. http://localhost:8080/app")
    String url;

    @Option(names = "--list", description = "list the 26 events with the template each is sent with, and exit")
    boolean list;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine cli = spec.commandLine();
        PrintWriter out = cli.getOut();
        EventCatalog catalog = EventCatalog.aurora();
        if (list) {
            for (EventType e : catalog.events()) {
                out.printf("%-40s %s%n", e.name(), e.suggestedTemplate());
            }
            out.flush();
            return Main.DONE;
        }
        if (event == null) {
            throw new CommandLine.ParameterException(cli, "EVENT is required: one of the 26 Aurora events, e.g. "
                    + "lead_created (list them with: aurora-reconciler trigger --list)");
        }
        EventType type = catalog.find(event.trim()).orElseThrow(() -> new CommandLine.ParameterException(cli, "\""
                + event + "\" is not an Aurora event" + NameSuggestions.closest(event.trim(), catalog.names())
                .map(e -> "; did you mean " + e + "?").orElse("") + " (list the 26 with: aurora-reconciler trigger --list)"));
        if (url == null) {
            throw new CommandLine.ParameterException(cli, "--url BASE_URL is required: your webapp's URL including its "
                    + "context path, e.g. http://localhost:8080/app");
        }
        Map<String, String> overrides = overrides(cli);
        Settings settings = context.settings();
        URI base = SubscriptionUrls.baseUrl(cli, url);
        Map<String, String> values;
        try {
            values = EventValues.generate(type.name(), overrides, new Random());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }

        // The credential exactly as subscribe gives it to Aurora: the header (its first value, the current
        // one during a rotation), else basic auth in the URL's user info.
        String headerName = settings.headerName().orElse(null);
        String headerValue = headerName == null || settings.headerValues().isEmpty() ? null : settings.headerValues().get(0);
        URI subscribed = base;
        String credentialLine;
        if (headerName != null) {
            credentialLine = headerName + ": " + Credentials.MASK;
            out.println("credential: header " + headerName + " (" + Key.AUTH_HEADER_NAME.key() + " from "
                    + settings.sourceOf(Key.AUTH_HEADER_NAME) + ")");
        } else if (settings.basicUsername().isPresent()) {
            subscribed = SubscribeCommand.withUserInfo(base, settings.basicUsername().get(), settings.basicPassword().orElse(""));
            credentialLine = "Authorization: Basic " + Credentials.MASK;
            out.println("credential: basic auth as " + settings.basicUsername().get() + " (" + Key.AUTH_BASIC_USERNAME.key()
                    + " from " + settings.sourceOf(Key.AUTH_BASIC_USERNAME) + ")");
        } else {
            credentialLine = null;
            out.println("credential: none (no " + Key.AUTH_HEADER_NAME.key() + " or " + Key.AUTH_BASIC_USERNAME.key()
                    + " is configured): sending none; the filter accepts it only with " + Key.AUTH_DISABLED.key() + "=true");
        }
        String target = WebhookDelivery.expand(SubscribeCommand.template(subscribed, settings.webhooksPath(), type), values);
        String shown = Credentials.maskUrl(WebhookDelivery.withoutUserInfo(target));
        out.println("GET " + shown);
        if (credentialLine != null) {
            out.println("  " + credentialLine);
        }
        out.flush();

        HttpRequest request = WebhookDelivery.request(target, headerName, headerValue, TIMEOUT);
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        long start = System.nanoTime();
        HttpResponse<String> answer;
        try {
            answer = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            return couldNotRun(cli, shown, "no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (ConnectException e) {
            return couldNotRun(cli, shown, "connection refused or unreachable");
        } catch (IOException e) {
            return couldNotRun(cli, shown, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return couldNotRun(cli, shown, "interrupted");
        }
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        out.println("HTTP " + answer.statusCode() + " in " + millis + " ms");
        String body = answer.body().strip();
        if (!body.isEmpty()) {
            out.println(body.length() > BODY_SHOWN ? body.substring(0, BODY_SHOWN) + " … (" + body.length() + " characters)" : body);
        }
        out.flush();
        return answer.statusCode() / 100 == 2 ? Main.DONE : Main.FAILURES;
    }

    /** {@code name=value} arguments, in order; a later one for the same name wins. */
    private Map<String, String> overrides(CommandLine cli) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(cli, "\"" + a + "\" is not name=value; expected an attribute "
                        + "of the event and its value, e.g. source=api");
            }
            overrides.put(a.substring(0, eq).trim(), a.substring(eq + 1));
        }
        return overrides;
    }

    private static int couldNotRun(CommandLine cli, String shownUrl, String why) {
        cli.getErr().println("aurora-reconciler: could not deliver to " + shownUrl + ": " + why);
        cli.getErr().flush();
        return Main.COULD_NOT_RUN;
    }
}
