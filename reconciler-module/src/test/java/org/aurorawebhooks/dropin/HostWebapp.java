package org.aurorawebhooks.dropin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.dropin.shop.ShopLeadCounter;
import org.aurorawebhooks.dropin.shop.ShopLedger;
import org.aurorawebhooks.dropin.shop.ShopOnboarding;
import org.aurorawebhooks.dropin.shop.ShopServlet;
import org.aurorawebhooks.testing.TestSecrets;

/**
 * An exploded "existing webapp" as an integrator has it: its own servlet on {@code /*}, its own older
 * Jackson and JDBI in {@code WEB-INF/lib}, and {@code aurora-webhooks.jar} copied next to them. The
 * {@code web.xml} declares no filter: the jar's {@code META-INF/web-fragment.xml} has to register it.
 * Aurora is configured with {@code <context-param>}s only.
 */
final class HostWebapp {
    static final String TOKEN_HEADER = "X-Aurora-Token";
    static final String TOKEN = TestSecrets.fresh("webhook-token");
    /** The host's own libraries, older than the ones bundled in the drop-in jar. */
    static final List<String> HOST_LIBS = List.of("jackson-databind-2.12.7.jar", "jackson-core-2.12.7.jar",
            "jackson-annotations-2.12.7.jar", "jdbi3-core-3.30.0.jar");
    static final String HOST_JACKSON_VERSION = "2.12.7";
    /**
     * The shop's own classes, copied into {@code WEB-INF/classes}: nothing outside the webapp can load them
     * (see {@link ContainerClassLoader}), so its handlers are loaded by the webapp's class loader and bind to the
     * API inside {@code aurora-webhooks.jar}.
     */
    private static final List<Class<?>> SHOP_CLASSES = List.of(ShopServlet.class, ShopLedger.class,
            ShopOnboarding.class, ShopLeadCounter.class);

    private final Path dir;

    private HostWebapp(Path dir) {
        this.dir = dir;
    }

    /** The context-params of a webapp recording into a new SQLite file under {@code root}. */
    static Map<String, String> sqliteConfig(Path root) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("aurora.webhooks.auth.header-name", TOKEN_HEADER);
        params.put("aurora.webhooks.auth.header-value", TOKEN);
        params.put("aurora.db.url", "jdbc:sqlite:" + root.resolve("shop-events.db"));
        return params;
    }

    /** Assembles the webapp in {@code root/webapp}, with no handler of its own. */
    static HostWebapp assemble(Path root, Map<String, String> contextParams) throws IOException {
        return assemble(root, contextParams, List.of());
    }

    /**
     * Assembles the webapp in {@code root/webapp}, registering {@code handlers} (classes of the shop, in its
     * {@code WEB-INF/classes}) the way an integrator does: in its own
     * {@code WEB-INF/classes/META-INF/services/org.aurorawebhooks.AuroraEventHandler}.
     */
    static HostWebapp assemble(Path root, Map<String, String> contextParams,
                               List<Class<? extends AuroraEventHandler>> handlers) throws IOException {
        Path dir = root.resolve("webapp");
        Path webInf = dir.resolve("WEB-INF");
        Path lib = Files.createDirectories(webInf.resolve("lib"));
        Files.writeString(webInf.resolve("web.xml"), webXml(contextParams));

        for (Class<?> type : SHOP_CLASSES) {
            String classFile = type.getName().replace('.', '/') + ".class";
            Path target = Files.createDirectories(webInf.resolve("classes").resolve(classFile).getParent())
                    .resolve(type.getSimpleName() + ".class");
            try (InputStream in = type.getClassLoader().getResourceAsStream(classFile)) {
                Files.copy(in, target);
            }
        }
        if (!handlers.isEmpty()) {
            Path services = Files.createDirectories(webInf.resolve("classes/META-INF/services"));
            StringBuilder lines = new StringBuilder();
            handlers.forEach(h -> lines.append(h.getName()).append('\n'));
            Files.writeString(services.resolve(AuroraEventHandler.class.getName()), lines);
        }

        Files.copy(dropInJar(), lib.resolve("aurora-webhooks.jar"));
        Path hostLibs = Path.of(requiredProperty("aurora.dropin.host-libs"));
        for (String jar : HOST_LIBS) {
            Path source = hostLibs.resolve(jar);
            if (!Files.isRegularFile(source)) {
                throw new IllegalStateException(source + " is missing; the pre-integration-test phase copies the host's"
                        + " libraries there (run the tests with mvn verify)");
            }
            Files.copy(source, lib.resolve(jar), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return new HostWebapp(dir);
    }

    static Path dropInJar() {
        Path jar = Path.of(requiredProperty("aurora.dropin.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist; it is built in the package phase (run mvn verify)");
        }
        return jar;
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set; failsafe sets it (run mvn verify)");
        }
        return value;
    }

    /** A version 6.0 web.xml, not metadata-complete, so the container merges web fragments from WEB-INF/lib. */
    private static String webXml(Map<String, String> contextParams) {
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/web-app_6_0.xsd"
                         version="6.0">
                  <display-name>shop</display-name>
                """);
        contextParams.forEach((name, value) -> xml.append("  <context-param><param-name>").append(escape(name))
                .append("</param-name><param-value>").append(escape(value)).append("</param-value></context-param>\n"));
        xml.append("""
                  <servlet>
                    <servlet-name>shop</servlet-name>
                    <servlet-class>%s</servlet-class>
                  </servlet>
                  <servlet-mapping>
                    <servlet-name>shop</servlet-name>
                    <url-pattern>/*</url-pattern>
                  </servlet-mapping>
                </web-app>
                """.formatted(ShopServlet.class.getName()));
        return xml.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    Path dir() {
        return dir;
    }
}
