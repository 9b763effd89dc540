package org.aurorawebhooks.evidence.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aurorawebhooks.testing.TestSecrets;

/**
 * Jetty 12 as {@code jetty-home} from Maven Central (unpacked by the evidence module's build), with a private
 * {@code jetty.base} made the way its documentation says: {@code java -jar start.jar --add-modules=http,
 * ee10-deploy,ee10-annotations}; started with {@code java -jar start.jar} on a free loopback port, its
 * {@code webapps} folder scanned every second (12.1's default is not to scan after start). The sample WAR is
 * deployed with a context XML whose override descriptor replaces the WAR's own {@code web.xml} values, the plain
 * webapp as a WAR dropped into {@code webapps}. Its output goes to the suite's log folder.
 */
final class StandaloneJetty extends StandaloneServer {
    /** Jetty has no leak detector of its own; it reports trouble stopping a context as WARN or ERROR. */
    static final List<String> TROUBLE_PHRASES = List.of(":WARN :", ":ERROR:");
    private static final String MODULES = "http,ee10-deploy,ee10-annotations";

    private final Path home;
    /** How many "Stopped" lines each context had when its removal was asked for. */
    private final Map<String, Integer> stopsBeforeRemoval = new HashMap<>();

    private StandaloneJetty(Path base, int port, Path log, Path home) {
        super(base, port, log);
        this.home = home;
    }

    static StandaloneJetty start(Path work, String runName) throws IOException, InterruptedException {
        Path home = Path.of(requiredProperty("aurora.jetty.home")).toAbsolutePath();
        if (!Files.isRegularFile(home.resolve("start.jar"))) {
            throw new IllegalStateException(home + "/start.jar is missing; the evidence module's build unpacks jetty-home"
                    + " there (mvn verify -Pevidence)");
        }
        Path base = Files.createDirectories(work.resolve("jetty-" + runName).toAbsolutePath());
        // Jetty puts the webapps' temporary folders into jetty.base/work when it exists.
        Files.createDirectories(base.resolve("work"));
        Files.createDirectories(base.resolve("overrides"));
        Path log = TestSecrets.logFile("servers-jetty-" + runName + ".log").toAbsolutePath();
        Process setup = new ProcessBuilder(java(), "-jar", home.resolve("start.jar").toString(), "jetty.home=" + home,
                "jetty.base=" + base, "--add-modules=" + MODULES).directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!setup.waitFor(3, TimeUnit.MINUTES) || setup.exitValue() != 0) {
            setup.destroyForcibly();
            throw new IllegalStateException("java -jar start.jar --add-modules=" + MODULES + " failed; see " + log);
        }
        StandaloneJetty jetty = new StandaloneJetty(base, freePort(), log, home);
        jetty.start();
        return jetty;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    ProcessBuilder command() {
        // Soft references are caches the JVM empties under memory pressure; emptied at every collection here,
        // a webapp class loader that survives a full collection after its undeploy is held by something real.
        return new ProcessBuilder(java(), "-Xmx512m", "-XX:SoftRefLRUPolicyMSPerMB=0", "-jar",
                home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base,
                "jetty.http.host=127.0.0.1", "jetty.http.port=" + port, "jetty.deploy.scanInterval=1")
                .directory(base.toFile());
    }

    @Override
    String product() {
        return "Jetty";
    }

    @Override
    String version() throws IOException {
        Matcher m = Pattern.compile("jetty-(12\\.[0-9.]+)").matcher(logText());
        return m.find() ? m.group(1) : "unknown";
    }

    @Override
    void addDeployment(Webapp webapp) throws IOException {
        Path webapps = base.resolve("webapps");
        switch (webapp.kind()) {
            case SAMPLE_WAR -> {
                // As a deployer overrides a WAR's web.xml in Jetty: an override descriptor, applied after it.
                Path override = base.resolve("overrides").resolve(webapp.name() + "-override-web.xml");
                Files.writeString(override, """
                        <?xml version="1.0" encoding="UTF-8"?>
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                        %s</web-app>
                        """.formatted(contextParams(webapp.params())));
                publish(webapps.resolve(webapp.name() + ".properties"), "environment: ee10\n");
                publish(webapps.resolve(webapp.name() + ".xml"), """
                        <?xml version="1.0"?>
                        <!DOCTYPE Configure PUBLIC "-//Jetty//Configure//EN" "https://jetty.org/configure_10_0.dtd">
                        <Configure class="org.eclipse.jetty.ee10.webapp.WebAppContext">
                          <Set name="contextPath">%s</Set>
                          <Set name="war">%s</Set>
                          <Call name="addOverrideDescriptor"><Arg>%s</Arg></Call>
                        </Configure>
                        """.formatted(Xml.escape(webapp.contextPath()), Xml.escape(StandaloneTomcat.sampleWar().toString()),
                        Xml.escape(override.toString())));
            }
            case DROP_IN_SHOP -> publishShopWar(webapp);
        }
    }

    @Override
    void removeDeployment(Webapp webapp) throws IOException {
        stopsBeforeRemoval.put(webapp.name(), stops(webapp));
        Path webapps = base.resolve("webapps");
        if (webapp.kind() == Webapp.Kind.SAMPLE_WAR) {
            Files.delete(webapps.resolve(webapp.name() + ".xml"));
            Files.delete(webapps.resolve(webapp.name() + ".properties"));
        } else {
            Files.delete(webapps.resolve(webapp.name() + ".war"));
        }
    }

    /** Jetty logs "Stopped ...WebAppContext@...{name,/context,...}" once it has stopped a context. */
    @Override
    boolean finishedUndeploying(Webapp webapp) throws IOException {
        return stops(webapp) > stopsBeforeRemoval.getOrDefault(webapp.name(), 0);
    }

    private int stops(Webapp webapp) throws IOException {
        String context = "," + webapp.contextPath() + ",";
        return (int) logText().lines().filter(l -> l.contains("Stopped oeje10w.WebAppContext@") && l.contains(context)).count();
    }

    @Override
    List<String> leakWarnings() throws IOException {
        List<String> phrases = new ArrayList<>(TROUBLE_PHRASES);
        phrases.addAll(StandaloneTomcat.LIBRARY_STOP_PHRASES);
        return linesWith(List.of(log), phrases);
    }

    @Override
    String webappClassLoader() {
        return "org.eclipse.jetty.ee.webapp.WebAppClassLoader";
    }

    @Override
    boolean containerPoolThread(String name) {
        return name.matches("qtp\\d+-\\d+.*|Scanner-\\d+(-\\d+)?|Scheduler-\\d+-\\d+|Session-HouseKeeper-.*");
    }
}
