package org.aurorawebhooks.evidence.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.aurorawebhooks.testing.TestSecrets;

/**
 * Debian's {@code tomcat10} package (Tomcat 10.1) run with {@code catalina.sh run}: {@code CATALINA_HOME} is the
 * package's {@code /usr/share/tomcat10}, {@code CATALINA_BASE} a private folder with the package's own
 * configuration files from {@code /etc/tomcat10} and a {@code server.xml} of the test's (one connector on a free
 * loopback port, no shutdown port, the stock host with auto-deploy). Its {@code logs} folder is a folder of the
 * suite's log folder. The sample WAR is deployed with a context descriptor in {@code conf/Catalina/localhost}
 * whose {@code <Parameter override="false">}s replace the WAR's own {@code web.xml} values; the plain webapp
 * as a WAR dropped into {@code webapps}.
 */
final class StandaloneTomcat extends StandaloneServer {
    /** What Tomcat's WebappClassLoaderBase says when a stopped webapp leaves something behind. */
    static final List<String> LEAK_PHRASES = List.of("appears to have started a thread named",
            "appears to have started a TimerThread named", "failed to unregister it when the web application was stopped",
            "created a ThreadLocal with key of type", "memory leak", "Failed to clear ThreadLocal references");
    /** What the library says when its threads do not stop in time. */
    static final List<String> LIBRARY_STOP_PHRASES = List.of("still running after", "could not stop");
    private static final String INSTALL_HINT = "apt-get install -y tomcat10 (Debian 12: Tomcat 10.1)";

    private final Path home;
    private final Path logs;

    private StandaloneTomcat(Path base, int port, Path logs, Path home) {
        super(base, port, logs.resolve("catalina.out"));
        this.logs = logs;
        this.home = home;
    }

    /** A new base under {@code work} and a running Tomcat; skipped (failed under CI) without the package. */
    static StandaloneTomcat start(Path work, String runName) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("aurora.tomcat.home", "/usr/share/tomcat10"));
        Path packageConf = Path.of(System.getProperty("aurora.tomcat.conf", "/etc/tomcat10"));
        if (!Files.isRegularFile(home.resolve("bin/catalina.sh")) || !Files.isRegularFile(packageConf.resolve("web.xml"))) {
            unavailable("Debian's Tomcat is not installed at " + home + " (" + packageConf + "): " + INSTALL_HINT);
        }
        Path base = Files.createDirectories(work.resolve("tomcat-" + runName));
        Path conf = Files.createDirectories(base.resolve("conf"));
        for (String file : List.of("catalina.properties", "context.xml", "logging.properties", "web.xml",
                "tomcat-users.xml", "jaspic-providers.xml")) {
            if (Files.isRegularFile(packageConf.resolve(file))) {
                Files.copy(packageConf.resolve(file), conf.resolve(file));
            }
        }
        int port = freePort();
        Files.writeString(conf.resolve("server.xml"), serverXml(port));
        Files.createDirectories(conf.resolve("Catalina/localhost"));
        for (String dir : List.of("webapps", "work", "temp", "lib")) {
            Files.createDirectories(base.resolve(dir));
        }
        Path logs = Files.createDirectories(TestSecrets.logFile("servers-tomcat-" + runName).toAbsolutePath());
        Files.createSymbolicLink(base.resolve("logs"), logs);
        StandaloneTomcat tomcat = new StandaloneTomcat(base, port, logs, home);
        tomcat.start();
        return tomcat;
    }

    /**
     * The stock server.xml's listeners and host, one HTTP connector on loopback, no shutdown port (the test stops
     * it with SIGTERM). Left out: AprLifecycleListener (Debian's libtcnative is older than Tomcat 10.1 accepts,
     * which it reports as SEVERE at every start) and SecurityListener (it refuses to start as root, which CI is).
     * backgroundProcessorDelay 1 s: the host checks its deployments every second instead of every ten.
     */
    private static String serverXml(int port) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <Server port="-1" shutdown="SHUTDOWN">
                  <Listener className="org.apache.catalina.startup.VersionLoggerListener" />
                  <Listener className="org.apache.catalina.core.JreMemoryLeakPreventionListener" />
                  <Listener className="org.apache.catalina.mbeans.GlobalResourcesLifecycleListener" />
                  <Listener className="org.apache.catalina.core.ThreadLocalLeakPreventionListener" />
                  <Service name="Catalina">
                    <Connector address="127.0.0.1" port="%d" protocol="HTTP/1.1" connectionTimeout="20000" />
                    <Engine name="Catalina" defaultHost="localhost" backgroundProcessorDelay="1">
                      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="true" />
                    </Engine>
                  </Service>
                </Server>
                """.formatted(port);
    }

    @Override
    ProcessBuilder command() {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/catalina.sh").toString(), "run").directory(base.toFile());
        builder.environment().put("CATALINA_HOME", home.toString());
        builder.environment().put("CATALINA_BASE", base.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // Soft references are caches the JVM empties under memory pressure; emptied at every collection here,
        // a webapp class loader that survives a full collection after its undeploy is held by something real.
        builder.environment().put("CATALINA_OPTS", "-Xmx512m -XX:SoftRefLRUPolicyMSPerMB=0");
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("CATALINA_PID");
        return builder;
    }

    @Override
    String product() {
        return "Tomcat";
    }

    @Override
    String version() throws IOException {
        Matcher m = Pattern.compile("Apache Tomcat/(\\S+)").matcher(logText());
        return m.find() ? m.group(1) : "unknown";
    }

    @Override
    void addDeployment(Webapp webapp) throws IOException {
        switch (webapp.kind()) {
            case SAMPLE_WAR -> {
                // As a deployer overrides a WAR's web.xml: a context descriptor naming the WAR, with parameters
                // that the WAR's own <context-param>s may not override.
                StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Context docBase=\"")
                        .append(Xml.escape(sampleWar().toString())).append("\">\n");
                webapp.params().forEach((name, value) -> xml.append("  <Parameter name=\"").append(Xml.escape(name))
                        .append("\" value=\"").append(Xml.escape(value)).append("\" override=\"false\"/>\n"));
                xml.append("</Context>\n");
                publish(descriptor(webapp), xml.toString());
            }
            case DROP_IN_SHOP -> publishShopWar(webapp);
        }
    }

    @Override
    void removeDeployment(Webapp webapp) throws IOException {
        Path file = webapp.kind() == Webapp.Kind.SAMPLE_WAR ? descriptor(webapp)
                : base.resolve("webapps").resolve(webapp.name() + ".war");
        Files.delete(file);
    }

    private Path descriptor(Webapp webapp) {
        return base.resolve("conf/Catalina/localhost").resolve(webapp.name() + ".xml");
    }

    static Path sampleWar() {
        Path war = Path.of(requiredProperty("aurora.sample.war")).toAbsolutePath();
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException(war + " does not exist; the package phase builds it (run mvn verify)");
        }
        return war;
    }

    /** Tomcat deletes a webapp's work folder when it destroys the context, the last step of an undeploy. */
    @Override
    boolean finishedUndeploying(Webapp webapp) {
        return !Files.exists(base.resolve("work/Catalina/localhost").resolve(webapp.name()));
    }

    @Override
    List<String> leakWarnings() throws IOException {
        List<String> phrases = new ArrayList<>(LEAK_PHRASES);
        phrases.addAll(LIBRARY_STOP_PHRASES);
        return linesWith(logFiles(), phrases);
    }

    private List<Path> logFiles() throws IOException {
        try (Stream<Path> files = Files.list(logs)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Override
    String webappClassLoader() {
        return "org.apache.catalina.loader.ParallelWebappClassLoader";
    }

    @Override
    boolean containerPoolThread(String name) {
        return name.matches("http-nio-127\\.0\\.0\\.1-" + port + "-exec-\\d+");
    }
}
