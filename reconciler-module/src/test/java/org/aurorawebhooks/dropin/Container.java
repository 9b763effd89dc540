package org.aurorawebhooks.dropin;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.eclipse.jetty.ee.webapp.WebAppClassLoader;
import org.eclipse.jetty.ee10.annotations.AnnotationConfiguration;
import org.eclipse.jetty.ee10.plus.webapp.EnvConfiguration;
import org.eclipse.jetty.ee10.plus.webapp.PlusConfiguration;
import org.eclipse.jetty.ee10.webapp.Configurations;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The servlet containers the drop-in jar is deployed into, each embedded on a loopback port with its
 * stock webapp deployment: Tomcat's {@code addWebapp} (the {@code ContextConfig} that scans
 * {@code WEB-INF/lib} for web fragments and runs ServletContainerInitializers) and Jetty's
 * {@code WebAppContext} with its default configurations, without and with the annotations module
 * (which decides whether Jetty runs initializers), child-first class loading in all.
 */
enum Container {
    TOMCAT {
        @Override
        Deployment deploy(HostWebapp webapp, String contextPath, Path workDir) throws Exception {
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(Files.createDirectories(workDir.resolve("tomcat")).toString());
            Connector connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            // No conf/web.xml defaults (DefaultServlet, JSP): the host's web.xml is all there is.
            tomcat.setAddDefaultWebXmlToWebapp(false);
            Context context = tomcat.addWebapp(contextPath, webapp.dir().toString());
            context.setParentClassLoader(new ContainerClassLoader());
            // Tomcat also looks for web fragments on the JVM class path, which here is the test's (and holds
            // the reconciler module's own jar with the fragment); a standalone Tomcat's holds only its
            // bootstrap jars. Scan WEB-INF/lib alone, so the fragment has to come from the dropped-in jar.
            StandardJarScanner jarScanner = new StandardJarScanner();
            jarScanner.setScanClassPath(false);
            context.setJarScanner(jarScanner);
            tomcat.start();
            if (context.getState() != LifecycleState.STARTED) {
                tomcat.stop();
                tomcat.destroy();
                throw new IllegalStateException("Tomcat did not start the webapp (state " + context.getState()
                        + "); see the log above");
            }
            return new Deployment("http://127.0.0.1:" + connector.getLocalPort() + contextPath, () -> {
                tomcat.stop();
                tomcat.destroy();
            });
        }
    },
    /** Jetty 12 as {@code jetty-home} with {@code http,ee10-deploy}: it runs no ServletContainerInitializer. */
    JETTY {
        @Override
        Deployment deploy(HostWebapp webapp, String contextPath, Path workDir) throws Exception {
            return jetty(webapp, contextPath, workDir, false);
        }
    },
    /** Jetty 12 with the {@code ee10-annotations} module too: it runs the jar's ServletContainerInitializer. */
    JETTY_ANNOTATIONS {
        @Override
        Deployment deploy(HostWebapp webapp, String contextPath, Path workDir) throws Exception {
            return jetty(webapp, contextPath, workDir, true);
        }
    };

    private static Deployment jetty(HostWebapp webapp, String contextPath, Path workDir, boolean annotations)
            throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext context = new WebAppContext();
        context.setContextPath(contextPath);
        context.setWar(webapp.dir().toString());
        // jetty-ee10-annotations (and the ee10-plus it needs) is on the test class path, and Jetty enables
        // every configuration it finds there; stock ee10-deploy has neither module.
        Configurations configurations = Configurations.getServerDefault(server);
        if (!annotations) {
            configurations.remove(AnnotationConfiguration.class, PlusConfiguration.class, EnvConfiguration.class);
        }
        context.setConfigurations(configurations);
        context.setTempDirectory(Files.createDirectories(workDir.resolve("jetty")).toFile());
        context.setParentLoaderPriority(false);
        context.setClassLoader(new WebAppClassLoader(new ContainerClassLoader(), context));
        context.setThrowUnavailableOnStartupException(true);
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new Deployment("http://127.0.0.1:" + connector.getLocalPort() + contextPath, server::stop);
    }

    /** Deploys the exploded webapp under {@code contextPath}; fails if the webapp does not start. */
    abstract Deployment deploy(HostWebapp webapp, String contextPath, Path workDir) throws Exception;

    /** A running container with one webapp. */
    record Deployment(String baseUrl, Stopper stopper) implements AutoCloseable {
        @Override
        public void close() {
            try {
                stopper.stop();
            } catch (Exception e) {
                throw new IllegalStateException("stopping the container failed", e);
            }
        }
    }

    @FunctionalInterface
    interface Stopper {
        void stop() throws Exception;
    }
}
