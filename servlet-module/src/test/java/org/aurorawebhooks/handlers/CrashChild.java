package org.aurorawebhooks.handlers;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Map;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.AuroraHandlers;
import org.aurorawebhooks.AuroraWebhookFilter;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Not a test: the webapp {@link HandlerCrashTest} starts as its own JVM and kills with SIGKILL. Jetty with
 * the filter (configured by the {@code aurora.*} system properties it is started with) and one handler that
 * appends {@code start ID ATTEMPT} and {@code done ID ATTEMPT} lines to the journal file given as the first
 * argument, syncing each; with the second argument {@code hang} it never finishes a call (until killed).
 * Prints {@code port=N} once it listens.
 */
public final class CrashChild {
    private CrashChild() {
    }

    /** Journals its calls; hangs in them when told to. */
    static final class JournalingHandler implements AuroraEventHandler {
        private final Path journal;
        private final boolean hang;

        JournalingHandler(Path journal, boolean hang) {
            this.journal = journal;
            this.hang = hang;
        }

        @Override
        public void handle(AuroraEvent event) throws Exception {
            append("start " + event.id() + " " + event.attempt());
            if (hang) {
                Thread.sleep(Long.MAX_VALUE);
            }
            append("done " + event.id() + " " + event.attempt());
        }

        private synchronized void append(String line) throws IOException {
            Files.writeString(journal, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        }

        @Override
        public String name() {
            return "journal";
        }
    }

    public static void main(String[] args) throws Exception {
        Path journal = Path.of(args[0]);
        boolean hang = args.length > 1 && args[1].equals("hang");
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/app");
        context.addEventListener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent e) {
                AuroraHandlers.register(e.getServletContext(), new JournalingHandler(journal, hang));
            }
        });
        FilterHolder filter = new FilterHolder(AuroraWebhookFilter.class);
        filter.setInitParameters(Map.of());
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.start();
        System.out.println("port=" + connector.getLocalPort());
        System.out.flush();
        server.join();
    }
}
