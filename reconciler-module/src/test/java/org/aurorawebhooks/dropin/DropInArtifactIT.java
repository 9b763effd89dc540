package org.aurorawebhooks.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletContext;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What {@code mvn install} installs as {@code org.aurorawebhooks:aurora-webhooks} (reconciler-module's pom,
 * execution {@code install-drop-in}): {@code aurora-webhooks.jar}, a pom with no parent and no dependencies
 * (so a host app's build gets that one jar), and the sources of the supported API. The README's handler code, compiled against that jar
 * alone (plus the Servlet API the container provides, and JUnit for the README's test), shows that the
 * handler API keeps its names in the jar while what it bundles is relocated, and that the README's examples
 * compile.
 */
class DropInArtifactIT {
    @TempDir
    Path out;

    private static Document installedPom() throws Exception {
        String path = System.getProperty("aurora.dropin.pom");
        assertTrue(path != null && Files.isRegularFile(Path.of(path)),
                "the drop-in pom (system property aurora.dropin.pom) is built in the package phase: " + path);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(Path.of(path).toFile());
    }

    private static List<String> childNames(Element element) {
        List<String> names = new ArrayList<>();
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                names.add(e.getLocalName());
            }
        }
        return names;
    }

    private static String child(Element element, String name) {
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getLocalName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        throw new AssertionError("the pom has no <" + name + ">");
    }

    @Test
    void installedPomNamesTheDropInCoordinatesAndHasNoParentAndNoDependencies() throws Exception {
        Element project = installedPom().getDocumentElement();
        assertEquals(List.of("modelVersion", "groupId", "artifactId", "version", "packaging", "name", "description"),
                childNames(project), "no parent, no dependencies, no dependency management, no repositories");
        assertEquals("org.aurorawebhooks", child(project, "groupId"));
        assertEquals("aurora-webhooks", child(project, "artifactId"));
        assertEquals("jar", child(project, "packaging"));
        String version = child(project, "version");
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), "version filled in: " + version);
    }

    /** The sources installed with the jar are those of the supported API, for the IDE of a host app's developer. */
    @Test
    void installedSourcesAreTheSupportedApiOnly() throws Exception {
        Path sources = Path.of(System.getProperty("aurora.dropin.sources", "(system property aurora.dropin.sources)"));
        assertTrue(Files.isRegularFile(sources), "built in the package phase: " + sources);
        List<String> javaFiles = new ArrayList<>();
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(sources.toFile())) {
            java.util.Collections.list(jar.entries()).stream().map(java.util.zip.ZipEntry::getName)
                    .filter(n -> n.endsWith(".java")).sorted().forEach(javaFiles::add);
        }
        assertTrue(javaFiles.containsAll(List.of("org/aurorawebhooks/AuroraEvent.java",
                "org/aurorawebhooks/AuroraEventHandler.java", "org/aurorawebhooks/AuroraHandlers.java",
                "org/aurorawebhooks/AuroraTransactionalHandler.java")), javaFiles.toString());
        assertEquals(List.of(), javaFiles.stream().filter(n -> !n.matches("org/aurorawebhooks/[A-Za-z-]+\\.java")).toList(),
                "nothing but the package org.aurorawebhooks");
    }

    private static String readme() throws Exception {
        return Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    }

    private static String section(String text, String heading) {
        int start = text.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "README has a section " + heading);
        Matcher next = Pattern.compile("(?m)^## ").matcher(text);
        return text.substring(start, next.find(start + heading.length() + 1) ? next.start() : text.length());
    }

    @Test
    void readmeDependencyBlockAndGradleLineNameTheInstalledCoordinates() throws Exception {
        String version = child(installedPom().getDocumentElement(), "version");
        String handlers = section(readme(), "## Handlers");
        assertTrue(handlers.contains("""
                <dependency>
                  <groupId>org.aurorawebhooks</groupId>
                  <artifactId>aurora-webhooks</artifactId>
                  <version>%s</version>
                </dependency>""".formatted(version)), "README's <dependency> block for version " + version);
        assertTrue(handlers.contains("implementation(\"org.aurorawebhooks:aurora-webhooks:" + version + "\")"),
                "README's Gradle line for version " + version);
    }

    /** Every java block of the README's Handlers section that is a whole source file. */
    private static List<String> readmeSources() throws Exception {
        List<String> sources = new ArrayList<>();
        Matcher block = Pattern.compile("(?s)```java\\n(.*?)```").matcher(section(readme(), "## Handlers"));
        while (block.find()) {
            if (block.group(1).startsWith("package ")) {
                sources.add(block.group(1));
            }
        }
        return sources;
    }

    private static Path jarOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void readmeHandlersListenerAndTestCompileAgainstTheDropInJarAlone() throws Exception {
        List<String> sources = readmeSources();
        assertEquals(4, sources.size(), "the README's handler, listener, transactional handler and its test");
        Path src = Files.createDirectories(out.resolve("src"));
        List<Path> files = new ArrayList<>();
        for (String source : sources) {
            Matcher type = Pattern.compile("(?m)^(?:public )?class (\\w+)").matcher(source);
            assertTrue(type.find(), source);
            files.add(Files.writeString(src.resolve(type.group(1) + ".java"), source));
        }
        // The host's compile class path: the installed jar, the container's Servlet API, the test's JUnit.
        List<Path> classPath = List.of(HostWebapp.dropInJar(), jarOf(ServletContext.class), jarOf(Test.class),
                jarOf(org.junit.jupiter.api.Assertions.class), jarOf(org.opentest4j.AssertionFailedError.class),
                jarOf(org.apiguardian.api.API.class));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter output = new StringWriter();
        try (StandardJavaFileManager fileManager = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-proc:none", "-Xlint:all", "-Werror",
                    "-classpath", String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()),
                    "-d", Files.createDirectories(out.resolve("classes")).toString());
            boolean compiled = javac.getTask(output, fileManager, diagnostics, options, null,
                    fileManager.getJavaFileObjectsFromPaths(files)).call();
            assertTrue(compiled, output + "\n" + diagnostics.getDiagnostics());
        }
        assertTrue(Files.isRegularFile(out.resolve("classes/com/example/shop/QueueOnboarding.class")));
    }
}
