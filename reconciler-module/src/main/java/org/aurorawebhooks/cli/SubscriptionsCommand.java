package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.api.Subscription;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.internal.Credentials;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "subscriptions", mixinStandardHelpOptions = true,
        description = "List the tenant's Aurora webhook subscriptions: id, event, URL template (credentials masked) "
                + "and its auth: header NAME (the value is never shown), basic (in the URL) or none.")
final class SubscriptionsCommand implements Callable<Integer> {
    @Mixin
    CliContext context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Settings settings = context.settings();
        CliContext.requireApi(settings);
        PrintWriter out = spec.commandLine().getOut();
        out.println(CliContext.apiLine(settings));
        List<Subscription> all;
        try (AuroraApi api = AuroraApi.create(settings)) {
            all = api.listWebhooks();
        }
        if (all.isEmpty()) {
            out.println("no webhook subscriptions");
            out.flush();
            return Main.DONE;
        }
        out.printf("%-12s %-42s %-8s %-30s %s%n", "id", "event", "enabled", "auth", "url_template");
        Map<String, Integer> perEvent = new TreeMap<>();
        for (Subscription s : all) {
            out.printf("%-12s %-42s %-8s %-30s %s%n", s.id(), s.event(), s.enabled() ? "yes" : "no", auth(s),
                    Credentials.maskUrl(s.urlTemplate()));
            if (s.enabled()) {
                perEvent.merge(s.event(), 1, Integer::sum);
            }
        }
        out.printf("%d subscription(s)%n", all.size());
        perEvent.forEach((event, n) -> {
            if (n > 1) {
                out.printf("%s has %d enabled subscriptions: Aurora sends each of its deliveries %d times%n", event, n, n);
            }
        });
        out.flush();
        return Main.DONE;
    }

    /** How the subscription authenticates, never with the secret itself. */
    private static String auth(Subscription s) {
        if (s.headerAuthKey() != null && !s.headerAuthKey().isBlank()) {
            return "header " + s.headerAuthKey();
        }
        return SubscriptionUrls.hasUserInfo(s.urlTemplate()) ? "basic (in the URL)" : "none";
    }
}
