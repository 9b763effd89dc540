package org.aurorawebhooks.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** aurora-sample.war deployed as is into a real Tomcat 10.1: its filter comes from the jar's web fragment. */
class SampleWarIT {

    @Test
    void warRecordsDeliveriesAndServesTheHostPage(@TempDir Path dir) throws Exception {
        Path war = Path.of(System.getProperty("aurora.sample.war"));
        assertTrue(Files.isRegularFile(war), "built by the package phase: " + war);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.resolve("tomcat").toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addWebapp("/sample", war.toAbsolutePath().toString());
        ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
        // As a deployer would in context.xml (<Parameter override="false">): the database goes to the temp dir
        // instead of the web.xml's aurora-sample.db in the working directory.
        org.apache.tomcat.util.descriptor.web.ApplicationParameter db = new org.apache.tomcat.util.descriptor.web.ApplicationParameter();
        db.setName("aurora.db.url");
        db.setValue("jdbc:sqlite:" + dir.resolve("sample.db"));
        db.setOverride(false);
        context.addApplicationParameter(db);
        tomcat.start();
        try {
            int port = tomcat.getConnector().getLocalPort();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> delivery = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/sample/aurora/webhooks/lead_created?lead_id=3fa85f64-5717-4562-b3fc-2c963f66afa6&source=api"))
                    .header("X-Aurora-Token", "sample-token").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, delivery.statusCode(), delivery.body());
            assertEquals(401, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/sample/aurora/webhooks/lead_created?lead_id=x")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode());
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sample/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("3fa85f64-5717-4562-b3fc-2c963f66afa6"), page.body());
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
