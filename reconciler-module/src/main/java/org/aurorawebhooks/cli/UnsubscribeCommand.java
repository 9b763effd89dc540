package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.aurorawebhooks.api.AuroraApi;
import org.aurorawebhooks.api.Subscription;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.internal.Credentials;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "unsubscribe", mixinStandardHelpOptions = true,
        description = "Remove the tenant's Aurora webhook subscriptions that subscribe --url made for a base URL "
                + "(their URL begins with BASE_URL followed by aurora.webhooks.path and /), and print what was removed.")
final class UnsubscribeCommand implements Callable<Integer> {
    @Mixin
    CliContext context;

    @Option(names = "--url", required = true, paramLabel = "BASE_URL",
            description = "the base URL given to subscribe, e.g. https://old.example.com/app; subscriptions under a "
                    + "longer or shorter base URL (https://old.example.com, https://old.example.com/app/x) stay")
    String url;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Settings settings = context.settings();
        CliContext.requireApi(settings);
        URI base = SubscriptionUrls.baseUrl(spec.commandLine(), url);
        PrintWriter out = spec.commandLine().getOut();
        out.println(CliContext.apiLine(settings));
        try (AuroraApi api = AuroraApi.create(settings)) {
            List<Subscription> all = api.listWebhooks();
            List<Subscription> matching = new ArrayList<>();
            for (Subscription s : all) {
                if (SubscriptionUrls.ownedBy(s.urlTemplate(), base.toString(), settings.webhooksPath())) {
                    matching.add(s);
                }
            }
            if (matching.isEmpty()) {
                out.printf("no subscription points at %s%s/ (%d subscription(s) in all; list them with: subscriptions)%n",
                        Credentials.maskUrl(base.toString()), settings.webhooksPath(), all.size());
                out.flush();
                return Main.DONE;
            }
            int removed = 0;
            for (Subscription s : matching) {
                // Printed one by one: if a later delete fails, what was already removed is on the screen.
                boolean deleted = api.deleteWebhook(s.id());
                out.printf("%s %s %s %s%n", deleted ? "removed" : "already gone", s.id(), s.event(),
                        Credentials.maskUrl(s.urlTemplate()));
                out.flush();
                removed += deleted ? 1 : 0;
            }
            out.printf("unsubscribed: %d removed, %d already gone, %d left pointing elsewhere%n", removed,
                    matching.size() - removed, all.size() - matching.size());
            out.flush();
            return Main.DONE;
        }
    }
}
