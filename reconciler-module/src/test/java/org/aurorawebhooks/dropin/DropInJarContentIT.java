package org.aurorawebhooks.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code aurora-webhooks.jar} puts into a host's {@code WEB-INF/lib}: our classes, relocated
 * copies of everything we bundle, and nothing under a package name the host might use for its own
 * copy of the same library.
 */
class DropInJarContentIT {
    /** Libraries we bundle, by the package names they have outside the jar. */
    private static final List<String> RELOCATED = List.of("com/fasterxml/", "tools/jackson/", "org/jdbi/",
            "io/leangen/geantyref/", "com/zaxxer/", "org/flywaydb/", "org/quartz/", "org/terracotta/",
            "org/postgresql/", "org/mariadb/", "org/slf4j/", "io/micrometer/", "io/prometheus/", "org/HdrHistogram/",
            "org/LatencyUtils/", "org/jspecify/");
    private static final String SHADED = "org/aurorawebhooks/shaded/";

    private static Set<String> entries;
    private static JarFile jar;

    @BeforeAll
    static void open() throws IOException {
        jar = new JarFile(HostWebapp.dropInJar().toFile());
        entries = new TreeSet<>();
        Collections.list(jar.entries()).forEach(e -> entries.add(e.getName()));
    }

    @AfterAll
    static void close() throws IOException {
        jar.close();
    }

    private static String read(String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        assertNotNull(entry, name + " is missing from the jar");
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> classes(String prefix) {
        return entries.stream().filter(e -> e.endsWith(".class"))
                .filter(e -> e.startsWith(prefix) || e.matches("META-INF/versions/\\d+/" + prefix + ".*")).toList();
    }

    @Test
    void bundledLibrariesAreRelocatedEvenInMultiReleaseFolders() {
        for (String pkg : RELOCATED) {
            List<String> leaked = classes(pkg);
            assertEquals(List.of(), leaked.stream().limit(10).toList(), pkg + " classes outside " + SHADED);
        }
        for (String pkg : List.of("jackson/", "jdbi/", "hikari/", "flywaydb/", "quartz/", "postgresql/", "mariadb/", "slf4j/",
                "micrometer/", "prometheus/")) {
            assertFalse(classes(SHADED + pkg).isEmpty(), SHADED + pkg + " is missing");
        }
        // The MariaDB driver's property files move with its classes (it reads them by these names).
        for (String file : List.of("mariadb.properties", "driver.properties", "deprecated.properties")) {
            assertTrue(entries.contains(SHADED + "mariadb/jdbc/" + file), file);
        }
        // The SLF4J binding travels with the relocated API: logging goes to java.util.logging.
        assertTrue(entries.contains(SHADED + "slf4j/jul/JULServiceProvider.class"));
    }

    @Test
    void bundledSlf4jReadsItsOwnProviderPropertyNotTheHosts() throws IOException {
        byte[] loggerFactory;
        try (InputStream in = jar.getInputStream(jar.getEntry(SHADED + "slf4j/LoggerFactory.class"))) {
            loggerFactory = in.readAllBytes();
        }
        assertFalse(hasUtf8Constant(loggerFactory, "slf4j.provider"), "reads the host's -Dslf4j.provider");
        assertTrue(hasUtf8Constant(loggerFactory, "org.aurorawebhooks.shaded.slf4j.provider"));
    }

    /** Whether a class file's constant pool holds exactly this string (tag 1, length, bytes). */
    private static boolean hasUtf8Constant(byte[] classFile, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        byte[] constant = new byte[text.length + 3];
        constant[0] = 1;
        constant[1] = (byte) (text.length >> 8);
        constant[2] = (byte) text.length;
        System.arraycopy(text, 0, constant, 3, text.length);
        outer:
        for (int i = 0; i + constant.length <= classFile.length; i++) {
            for (int j = 0; j < constant.length; j++) {
                if (classFile[i + j] != constant[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * The handler API a host compiles against keeps its names in the jar (the relocation moves only what we
     * bundle), and refers to no relocated type: a host's handler never meets {@code org.aurorawebhooks.shaded}.
     */
    @Test
    void handlerApiKeepsItsNamesAndRefersToNoRelocatedType() throws IOException {
        for (String type : List.of("AuroraEventHandler", "AuroraTransactionalHandler", "AuroraEvent", "AuroraEvent$Builder",
                "AuroraHandlers")) {
            String entry = "org/aurorawebhooks/" + type + ".class";
            assertTrue(entries.contains(entry), entry);
            byte[] classFile;
            try (InputStream in = jar.getInputStream(jar.getEntry(entry))) {
                classFile = in.readAllBytes();
            }
            String text = new String(classFile, StandardCharsets.ISO_8859_1);
            assertFalse(text.contains(SHADED), type + " refers to a relocated type");
        }
    }

    @Test
    void sqliteKeepsItsPackageBecauseItsNativeCodeIsBoundToIt() {
        assertTrue(entries.contains("org/sqlite/JDBC.class"));
        assertTrue(entries.contains("sqlite-jdbc.properties"));
        assertTrue(entries.stream().anyMatch(e -> e.startsWith("org/sqlite/native/Linux/x86_64/")),
                "the Linux x86_64 native library");
    }

    @Test
    void onlyTheLibrariesOwnResourcesSitAtTheClassPathRoot() {
        List<String> rootFiles = entries.stream().filter(e -> !e.contains("/")).toList();
        assertEquals(List.of("sqlite-jdbc.properties"), rootFiles);
        List<String> topFolders = entries.stream().filter(e -> e.contains("/"))
                .map(e -> e.substring(0, e.indexOf('/'))).distinct().sorted().toList();
        assertEquals(List.of("META-INF", "db", "org"), topFolders);
        List<String> orgFolders = entries.stream().filter(e -> e.startsWith("org/") && e.indexOf('/', 4) > 0)
                .map(e -> e.substring(0, e.indexOf('/', 4))).distinct().sorted().toList();
        assertEquals(List.of("org/aurorawebhooks", "org/sqlite"), orgFolders);
    }

    @Test
    void webFragmentRegistersTheFilterOnEveryPath() throws IOException {
        String fragment = read("META-INF/web-fragment.xml");
        assertTrue(fragment.contains("<filter-class>org.aurorawebhooks.AuroraWebhookFilter</filter-class>"), fragment);
        assertTrue(fragment.contains("<url-pattern>/*</url-pattern>"), fragment);
        assertTrue(entries.contains("org/aurorawebhooks/AuroraWebhookFilter.class"));
    }

    @Test
    void migrationsForBothDatabasesAreInside() {
        assertTrue(entries.contains("db/aurora/sqlite/V1__aurora_tables.sql"));
        assertTrue(entries.contains("db/aurora/postgresql/V1__aurora_tables.sql"));
        // Flyway lists a classpath location through its directory entry.
        assertTrue(entries.contains("db/aurora/sqlite/"));
        assertTrue(entries.contains("db/aurora/postgresql/"));
    }

    @Test
    void serviceFilesAreRewrittenToRelocatedNamesAndNameClassesInTheJar() throws IOException {
        List<String> services = entries.stream()
                .filter(e -> e.startsWith("META-INF/services/") && !e.endsWith("/")).toList();
        assertFalse(services.isEmpty());
        List<String> problems = new ArrayList<>();
        for (String service : services) {
            String api = service.substring("META-INF/services/".length());
            if (RELOCATED.stream().anyMatch(p -> api.startsWith(p.replace('/', '.')))) {
                problems.add(service + ": service interface not relocated");
            }
            for (String line : read(service).split("\n")) {
                String impl = line.replaceAll("#.*", "").trim();
                if (impl.isEmpty()) {
                    continue;
                }
                if (!entries.contains(impl.replace('.', '/') + ".class")) {
                    problems.add(service + ": " + impl + " is not in the jar");
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(services.contains("META-INF/services/org.aurorawebhooks.shaded.slf4j.spi.SLF4JServiceProvider"));
        assertTrue(services.contains("META-INF/services/org.aurorawebhooks.shaded.flywaydb.core.extensibility.Plugin"));
        assertEquals(Set.of("org.sqlite.JDBC", "org.aurorawebhooks.shaded.postgresql.Driver",
                        "org.aurorawebhooks.shaded.mariadb.jdbc.Driver"),
                Set.copyOf(List.of(read("META-INF/services/java.sql.Driver").trim().split("\\s+"))));
    }
}
