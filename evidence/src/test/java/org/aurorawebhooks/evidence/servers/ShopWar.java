package org.aurorawebhooks.evidence.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.evidence.servers.shop.ShopLeadBook;
import org.aurorawebhooks.evidence.servers.shop.ShopServlet;

/**
 * A plain existing webapp as an integrator has it, packed as a WAR: its own servlet on {@code /*} and a
 * {@code web.xml} that declares no filter, {@code aurora-webhooks.jar} copied into {@code WEB-INF/lib}, the
 * configuration as {@code <context-param>}s, and one handler of its own listed in its
 * {@code META-INF/services}.
 */
final class ShopWar {
    private static final List<Class<?>> CLASSES = List.of(ShopServlet.class, ShopLeadBook.class);

    private ShopWar() {
    }

    /** Writes the WAR to {@code war}. */
    static void write(Path war, Map<String, String> contextParams) throws IOException {
        Path dropIn = Path.of(StandaloneServer.requiredProperty("aurora.dropin.jar"));
        if (!Files.isRegularFile(dropIn)) {
            throw new IllegalStateException(dropIn + " does not exist; the package phase builds it (run mvn verify)");
        }
        try (OutputStream file = Files.newOutputStream(war); ZipOutputStream zip = new ZipOutputStream(file)) {
            put(zip, "WEB-INF/web.xml", webXml(contextParams).getBytes(StandardCharsets.UTF_8));
            for (Class<?> type : CLASSES) {
                String classFile = type.getName().replace('.', '/') + ".class";
                try (InputStream in = type.getClassLoader().getResourceAsStream(classFile)) {
                    put(zip, "WEB-INF/classes/" + classFile, in.readAllBytes());
                }
            }
            put(zip, "WEB-INF/classes/META-INF/services/" + AuroraEventHandler.class.getName(),
                    (ShopLeadBook.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            put(zip, "WEB-INF/lib/aurora-webhooks.jar", Files.readAllBytes(dropIn));
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    /** A version 6.0 web.xml, not metadata-complete, so the container merges the jar's web fragment. */
    private static String webXml(Map<String, String> contextParams) {
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <display-name>shop</display-name>
                """);
        contextParams.forEach((name, value) -> xml.append("  <context-param><param-name>").append(Xml.escape(name))
                .append("</param-name><param-value>").append(Xml.escape(value)).append("</param-value></context-param>\n"));
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
}
