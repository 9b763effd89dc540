package org.aurorawebhooks.dropin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** What the drop-in jar bundles never meets what the host app bundles. */
class DropInJarContentIT {

    @Test
    void bundledLibrariesAreRelocatedExceptTheSqliteDriver() throws Exception {
        List<String> unrelocated = new ArrayList<>();
        boolean sqlite = false;
        try (JarFile jar = new JarFile(DropInWebapp.dropInJar().toFile())) {
            for (JarEntry e : java.util.Collections.list(jar.entries())) {
                String n = e.getName();
                if (n.endsWith(".class") && (n.startsWith("com/fasterxml/") || n.startsWith("tools/jackson/")
                        || n.startsWith("org/jdbi/") || n.startsWith("com/zaxxer/") || n.startsWith("org/flywaydb/")
                        || n.startsWith("org/quartz/") || n.startsWith("org/slf4j/") || n.startsWith("org/postgresql/")
                        || n.startsWith("picocli/") || n.startsWith("jakarta/servlet/"))) {
                    unrelocated.add(n);
                }
                sqlite |= n.equals("org/sqlite/JDBC.class");
            }
            assertTrue(unrelocated.isEmpty(), "unrelocated classes: " + unrelocated.subList(0, Math.min(5, unrelocated.size())));
            assertTrue(sqlite, "sqlite-jdbc is bundled as is: its native code is bound to its package");
            assertNotNull(jar.getEntry("META-INF/web-fragment.xml"));
            assertNotNull(jar.getEntry("org/aurorawebhooks/shaded/jdbi/v3/core/Jdbi.class"));
            String extensions = read(jar, "META-INF/services/org.aurorawebhooks.internal.FilterExtension");
            assertTrue(extensions.contains("org.aurorawebhooks.sync.LeadSyncExtension"), extensions);
            assertNotNull(jar.getEntry("META-INF/services/org.aurorawebhooks.shaded.slf4j.spi.SLF4JServiceProvider"));
            assertFalse(jar.getEntry("org/aurorawebhooks/cli/Main.class") != null, "the CLI stays out of the webapp jar");
        }
    }

    private static String read(JarFile jar, String name) throws Exception {
        JarEntry e = jar.getJarEntry(name);
        assertNotNull(e, name);
        try (InputStream in = jar.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
