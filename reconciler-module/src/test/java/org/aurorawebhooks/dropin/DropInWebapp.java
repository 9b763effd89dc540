package org.aurorawebhooks.dropin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Assembles a plain host webapp directory: its own web.xml (no filter declared) and servlet, its own
 * older Jackson and JDBI in WEB-INF/lib, and aurora-webhooks.jar dropped in beside them.
 */
final class DropInWebapp {
    private DropInWebapp() {
    }

    static Path dropInJar() {
        String path = System.getProperty("aurora.dropin.jar");
        if (path == null || !Files.isRegularFile(Path.of(path))) {
            throw new IllegalStateException("aurora.dropin.jar is not set or missing (" + path
                    + "): run the drop-in tests with 'mvn verify', after the package phase");
        }
        return Path.of(path);
    }

    static Path build(Path root, Map<String, String> contextParams) throws IOException {
        Path webInf = Files.createDirectories(root.resolve("WEB-INF"));
        Path lib = Files.createDirectories(webInf.resolve("lib"));
        Files.copy(dropInJar(), lib.resolve("aurora-webhooks.jar"), StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> hostLibs = Files.list(Path.of(System.getProperty("aurora.host.libs")))) {
            for (Path jar : (Iterable<Path>) hostLibs::iterator) {
                Files.copy(jar, lib.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        String servletClass = HostServlet.class.getName().replace('.', '/') + ".class";
        Path classFile = Path.of(HostServlet.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .resolve(servletClass);
        Path target = webInf.resolve("classes").resolve(servletClass);
        Files.createDirectories(target.getParent());
        Files.copy(classFile, target, StandardCopyOption.REPLACE_EXISTING);

        StringBuilder params = new StringBuilder();
        contextParams.forEach((k, v) -> params.append("  <context-param><param-name>").append(k)
                .append("</param-name><param-value>").append(v).append("</param-value></context-param>\n"));
        Files.writeString(webInf.resolve("web.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/web-app_6_0.xsd"
                         version="6.0">
                """ + params + """
                  <servlet>
                    <servlet-name>host</servlet-name>
                    <servlet-class>org.aurorawebhooks.dropin.HostServlet</servlet-class>
                  </servlet>
                  <servlet-mapping>
                    <servlet-name>host</servlet-name>
                    <url-pattern>/*</url-pattern>
                  </servlet-mapping>
                </web-app>
                """);
        return root;
    }
}
