package org.aurorawebhooks.dropin;

import static org.aurorawebhooks.dropin.HostWebapp.TOKEN;
import static org.aurorawebhooks.dropin.HostWebapp.TOKEN_HEADER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.aurorawebhooks.dropin.Container.Deployment;
import org.aurorawebhooks.dropin.shop.ShopAsyncServlet;
import org.aurorawebhooks.dropin.shop.ShopLoginFilter;
import org.aurorawebhooks.dropin.shop.ShopServlet;
import org.aurorawebhooks.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How the drop-in jar's filter gets registered: by its web fragment, by its ServletContainerInitializer
 * when the host's {@code web.xml} is {@code metadata-complete="true"} (fragments ignored), or by the
 * host's own {@code web.xml} declaration; in every case exactly once, and ahead of the host's own
 * security filter where the initializer registers it. The filter's start-up log line says which it was;
 * the tests count those lines (the jar logs through {@code java.util.logging}) to count filter instances.
 */
class RegistrationIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String INIT_LINE = "aurora-webhooks: filter \"";

    @TempDir
    Path root;

    /** Held strongly: java.util.logging keeps loggers only weakly, and would drop the handler with it. */
    private final Logger auroraLogger = Logger.getLogger("org.aurorawebhooks");
    private final List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        auroraLogger.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        auroraLogger.removeHandler(capture);
    }

    /** What the host's {@code web.xml} holds besides the shop servlet on {@code /*}. */
    private record WebXml(boolean metadataComplete, boolean loginFilter, String auroraFilterName) {
    }

    private Deployment deploy(Container container, WebXml webXml) throws Exception {
        Map<String, String> params = HostWebapp.sqliteConfig(root);
        HostWebapp webapp = HostWebapp.assemble(root, params);
        Path webInf = webapp.dir().resolve("WEB-INF");
        Files.writeString(webInf.resolve("web.xml"), webXml(webXml, params));
        for (Class<?> type : List.of(ShopLoginFilter.class, ShopAsyncServlet.class)) {
            String classFile = type.getName().replace('.', '/') + ".class";
            try (InputStream in = type.getClassLoader().getResourceAsStream(classFile)) {
                Files.copy(in, webInf.resolve("classes").resolve(classFile));
            }
        }
        return container.deploy(webapp, "/shop", root);
    }

    private static String webXml(WebXml options, Map<String, String> contextParams) {
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/web-app_6_0.xsd"
                         version="6.0" metadata-complete="%s">
                  <display-name>shop</display-name>
                """.formatted(options.metadataComplete()));
        contextParams.forEach((name, value) -> xml.append("  <context-param><param-name>").append(name)
                .append("</param-name><param-value>").append(value).append("</param-value></context-param>\n"));
        if (options.auroraFilterName() != null) {
            // The README's block, ahead of the host's own filters.
            xml.append("""
                      <filter>
                        <filter-name>%1$s</filter-name>
                        <filter-class>org.aurorawebhooks.AuroraWebhookFilter</filter-class>
                        <async-supported>true</async-supported>
                      </filter>
                      <filter-mapping><filter-name>%1$s</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                    """.formatted(options.auroraFilterName()));
        }
        if (options.loginFilter()) {
            xml.append("""
                      <filter>
                        <filter-name>shop-login</filter-name>
                        <filter-class>%s</filter-class>
                        <async-supported>true</async-supported>
                      </filter>
                      <filter-mapping><filter-name>shop-login</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                    """.formatted(ShopLoginFilter.class.getName()));
        }
        xml.append("""
                  <servlet>
                    <servlet-name>shop</servlet-name>
                    <servlet-class>%s</servlet-class>
                  </servlet>
                  <servlet-mapping>
                    <servlet-name>shop</servlet-name>
                    <url-pattern>/*</url-pattern>
                  </servlet-mapping>
                  <servlet>
                    <servlet-name>shop-async</servlet-name>
                    <servlet-class>%s</servlet-class>
                    <async-supported>true</async-supported>
                  </servlet>
                  <servlet-mapping>
                    <servlet-name>shop-async</servlet-name>
                    <url-pattern>/async</url-pattern>
                  </servlet-mapping>
                </web-app>
                """.formatted(ShopServlet.class.getName(), ShopAsyncServlet.class.getName()));
        return xml.toString();
    }

    private static HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> deliver(Deployment shop, String leadId) throws Exception {
        return get(shop.baseUrl() + "/aurora/webhooks/lead_created?lead_id=" + leadId + "&source=api",
                TOKEN_HEADER, TOKEN);
    }

    private List<String> storedLeadIds() throws SQLException {
        try (Connection c = TestDatabases.inspect("jdbc:sqlite:" + root.resolve("shop-events.db"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT lead_id FROM aurora_webhook_events ORDER BY id")) {
            List<String> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        }
    }

    /** Asserts the answer is aurora-webhooks' 200 for a new row, not the host's. */
    private static void assertRecordedByAurora(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertTrue(body.has("id") && "lead_created".equals(body.path("event").asText()),
                "not an answer of aurora-webhooks (is its filter registered?): " + response.body());
    }

    /** The start-up lines in which each filter instance says how it was registered. */
    private List<LogRecord> initLines() {
        synchronized (logged) {
            return logged.stream().filter(r -> r.getMessage().startsWith(INIT_LINE)).toList();
        }
    }

    private LogRecord onlyInitLine() {
        List<LogRecord> lines = initLines();
        assertEquals(1, lines.size(), "exactly one aurora-webhooks filter instance: "
                + lines.stream().map(LogRecord::getMessage).toList());
        return lines.get(0);
    }

    @ParameterizedTest
    @EnumSource(value = Container.class, names = {"TOMCAT", "JETTY_ANNOTATIONS"})
    void metadataCompleteWebXmlStillGetsTheFilterAheadOfTheHostsSecurityFilter(Container container) throws Exception {
        try (Deployment shop = deploy(container, new WebXml(true, true, null))) {
            String leadId = UUID.randomUUID().toString();
            // The host's login filter answers 403 to anything without its cookie: a 200 from
            // aurora-webhooks means our filter ran first.
            assertRecordedByAurora(deliver(shop, leadId));
            assertEquals(List.of(leadId), storedLeadIds());

            HttpResponse<String> hostPath = get(shop.baseUrl() + "/catalog");
            assertEquals(403, hostPath.statusCode(), "the host's login filter is in force: " + hostPath.body());
            assertEquals("{\"shop\":\"login required\"}", hostPath.body());
            HttpResponse<String> loggedIn = get(shop.baseUrl() + "/catalog", "Cookie", ShopLoginFilter.COOKIE + "=1");
            assertEquals(200, loggedIn.statusCode(), loggedIn.body());
            assertTrue(loggedIn.body().contains("\"shop\":\"GET /shop/catalog\""), loggedIn.body());
            // The host's async servlet still works behind our filter: it was registered async-supported.
            HttpResponse<String> async = get(shop.baseUrl() + "/async", "Cookie", ShopLoginFilter.COOKIE + "=1");
            assertEquals(200, async.statusCode(), async.body());
            assertEquals("{\"shop\":\"async\"}", async.body());

            LogRecord init = onlyInitLine();
            assertEquals(Level.INFO, init.getLevel());
            assertTrue(init.getMessage().startsWith(INIT_LINE + "aurora-webhooks\" registered on /* by the "
                    + "ServletContainerInitializer of aurora-webhooks.jar, ahead of web.xml's filters"), init.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void plainHostGetsExactlyOneFilterFromTheFragmentAndADeliveryIsStoredOnce(Container container) throws Exception {
        try (Deployment shop = deploy(container, new WebXml(false, false, null))) {
            String leadId = UUID.randomUUID().toString();
            assertRecordedByAurora(deliver(shop, leadId));
            assertEquals(List.of(leadId), storedLeadIds());

            LogRecord init = onlyInitLine();
            if (container == Container.JETTY) {
                // No initializer ran: the fragment alone registered the filter, and the log says what that risks.
                assertEquals(Level.WARNING, init.getLevel());
                assertTrue(init.getMessage().contains("is registered by the web-fragment.xml of aurora-webhooks.jar alone"),
                        init.getMessage());
                assertTrue(init.getMessage().contains("metadata-complete=\"true\" in web.xml would silently unregister it"),
                        init.getMessage());
            } else {
                assertEquals(Level.INFO, init.getLevel());
                assertTrue(init.getMessage().startsWith(INIT_LINE + "aurora-webhooks\" declared in web.xml or the jar's "
                        + "web-fragment.xml (the ServletContainerInitializer of aurora-webhooks.jar found it and added "
                        + "nothing)"), init.getMessage());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void metadataCompleteWebXmlDeclaringTheFilterUnderItsOwnNameGetsExactlyOne(Container container) throws Exception {
        // A name other than the fragment's: the initializer must recognise our class, not only our name.
        try (Deployment shop = deploy(container, new WebXml(true, true, "aurora"))) {
            String leadId = UUID.randomUUID().toString();
            assertRecordedByAurora(deliver(shop, leadId));
            assertEquals(List.of(leadId), storedLeadIds());
            LogRecord init = onlyInitLine();
            assertEquals(Level.INFO, init.getLevel());
            assertTrue(init.getMessage().startsWith(INIT_LINE + "aurora\""), init.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void webXmlDeclarationUnderTheFragmentsNameReplacesItAndGetsExactlyOne(Container container) throws Exception {
        try (Deployment shop = deploy(container, new WebXml(false, true, "aurora-webhooks"))) {
            String leadId = UUID.randomUUID().toString();
            assertRecordedByAurora(deliver(shop, leadId));
            assertEquals(List.of(leadId), storedLeadIds());
            onlyInitLine();
        }
    }

    @Test
    void jettyWithoutAnnotationsAndAMetadataCompleteWebXmlRunsNoCodeOfOursSoTheHostAnswers() throws Exception {
        // The one case only the README can cover (declare the filter in web.xml, tested above): no
        // fragment, no initializer, so no filter and not even a log line of ours.
        try (Deployment shop = deploy(Container.JETTY, new WebXml(true, false, null))) {
            HttpResponse<String> lost = deliver(shop, UUID.randomUUID().toString());
            assertEquals(200, lost.statusCode());
            assertTrue(lost.body().contains("\"shop\":\"GET /shop/aurora/webhooks/lead_created\""), lost.body());
            assertEquals(List.of(), initLines());
        }
    }
}
