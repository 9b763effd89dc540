package org.aurorawebhooks.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * aurora-webhooks.jar dropped into WEB-INF/lib of a plain webapp registers itself through its
 * web-fragment.xml, on a real Tomcat 10.1 and a real Jetty 12 ee10, beside a host that ships its own
 * older Jackson and JDBI.
 */
class DropInDeploymentIT {
    private static final String HEADER = "X-Aurora-Token";
    private static final String TOKEN = "drop-in-token";

    private static Map<String, String> params(Path dir, String webhooksPath) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("aurora.db.url", "jdbc:sqlite:" + dir.resolve("host.db"));
        params.put("aurora.webhooks.auth.header-name", HEADER);
        params.put("aurora.webhooks.auth.header-value", TOKEN);
        if (webhooksPath != null) {
            params.put("aurora.webhooks.path", webhooksPath);
        }
        return params;
    }

    private static HttpResponse<String> get(int port, String path, boolean withToken) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (withToken) {
            b.header(HEADER, TOKEN);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The checks every container must pass with the webapp deployed at /shop. */
    private static void assertDropInWorks(int port, Path dir, String webhooksPath) throws Exception {
        String lead = UUID.randomUUID().toString();
        HttpResponse<String> accepted = get(port, "/shop" + webhooksPath + "/lead_created?lead_id=" + lead + "&source=api", true);
        assertEquals(200, accepted.statusCode(), accepted.body());
        assertTrue(accepted.body().contains("\"event\":\"lead_created\""), accepted.body());
        assertEquals(401, get(port, "/shop" + webhooksPath + "/lead_created?lead_id=" + lead, false).statusCode());
        assertEquals(404, get(port, "/shop" + webhooksPath + "/no_such_event?lead_id=" + lead, true).statusCode());

        HttpResponse<String> host = get(port, "/shop/orders/42", false);
        assertEquals(200, host.statusCode());
        assertTrue(host.body().contains("\"host\":\"/shop/orders/42\""), host.body());
        assertTrue(host.body().contains("\"jackson\":\"2.12.7\""), "the host keeps its own Jackson: " + host.body());

        // The driver directly: a container stopping a webapp may deregister drivers from DriverManager.
        try (Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + dir.resolve("host.db"), new java.util.Properties());
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT event_type, lead_id, source FROM aurora_webhook_events")) {
            assertTrue(rs.next(), "the delivery is in the host's database");
            assertEquals("lead_created", rs.getString(1));
            assertEquals(lead, rs.getString(2));
            assertEquals("api", rs.getString(3));
        }
    }

    @Test
    void registersItselfInTomcatWithoutWebXmlChanges(@TempDir Path dir) throws Exception {
        Path webapp = DropInWebapp.build(dir.resolve("shop"), params(dir, null));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.resolve("tomcat").toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addWebapp("/shop", webapp.toAbsolutePath().toString());
        // Only WEB-INF/lib counts, as in a standalone Tomcat: not the test's own class path.
        ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
        tomcat.start();
        try {
            assertDropInWorks(tomcat.getConnector().getLocalPort(), dir, "/aurora/webhooks");
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void registersItselfInJettyWithoutWebXmlChanges(@TempDir Path dir) throws Exception {
        Path webapp = DropInWebapp.build(dir.resolve("shop"), params(dir, "/hooks/aurora"));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext context = new WebAppContext();
        context.setContextPath("/shop");
        context.setWar(webapp.toAbsolutePath().toString());
        context.setParentLoaderPriority(false);
        context.setThrowUnavailableOnStartupException(true);
        context.setTempDirectory(new File(dir.toFile(), "jetty-tmp"));
        server.setHandler(context);
        server.start();
        try {
            assertDropInWorks(connector.getLocalPort(), dir, "/hooks/aurora");
        } finally {
            server.stop();
        }
    }
}
