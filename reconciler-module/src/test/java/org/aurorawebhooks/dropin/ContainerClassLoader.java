package org.aurorawebhooks.dropin;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The parent of a deployed webapp's class loader in the drop-in tests: it shows the webapp what a
 * real Tomcat or Jetty installation shows it (the JDK, the Servlet API and the container's own
 * classes) and nothing else from the test class path. Without it, a class or a migration missing from
 * {@code aurora-webhooks.jar} would quietly be found in {@code servlet-module/target/classes} or in
 * the test's Jackson, and the tests would prove nothing about the jar.
 */
final class ContainerClassLoader extends ClassLoader {
    private static final List<String> SHARED = List.of(
            "jakarta/servlet/", "jakarta/annotation/",
            "org/apache/catalina/", "org/apache/coyote/", "org/apache/tomcat/", "org/apache/juli/",
            "org/apache/naming/", "org/eclipse/jetty/",
            // Jetty's JNDI setup (ee10-plus, which ee10-annotations needs), on a real Jetty's server class path.
            "jndi.properties");

    private final ClassLoader application;

    ContainerClassLoader() {
        super("container", ClassLoader.getPlatformClassLoader());
        this.application = ContainerClassLoader.class.getClassLoader();
    }

    private static boolean shared(String resourceName) {
        for (String prefix : SHARED) {
            if (resourceName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (shared(name.replace('.', '/'))) {
            return application.loadClass(name);
        }
        throw new ClassNotFoundException(name + " (not provided by the container)");
    }

    @Override
    protected URL findResource(String name) {
        return shared(name) ? application.getResource(name) : null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        return shared(name) ? application.getResources(name) : Collections.emptyEnumeration();
    }
}
