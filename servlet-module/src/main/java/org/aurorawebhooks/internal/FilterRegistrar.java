package org.aurorawebhooks.internal;

import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import java.util.Map;
import java.util.Set;

/**
 * Registers the aurora-webhooks filter on {@code /*}, ahead of the host's own {@code web.xml} filters,
 * unless {@code web.xml} or the jar's {@code web-fragment.xml} already declares it. The drop-in jar
 * lists it in {@code META-INF/services/jakarta.servlet.ServletContainerInitializer}.
 *
 * <p>Why both this and the fragment: a {@code web.xml} with {@code metadata-complete="true"} makes every
 * container ignore web fragments, but Tomcat still runs initializers, so without this class Aurora's
 * deliveries would reach the host's own servlet and be answered 200 while nothing is recorded. Jetty
 * runs initializers only with its {@code ee10-annotations} module; where it runs none, the fragment (or
 * a {@code web.xml} declaration) is all there is, and the filter says so in the log at start-up.
 *
 * <p>When an initializer runs, Tomcat and Jetty have already read {@code web.xml} and the fragments,
 * so a declaration there is visible through {@link ServletContext#getFilterRegistrations()}.
 *
 * <p>Internal and unsupported: the container instantiates it; application code never should.
 */
public final class FilterRegistrar implements ServletContainerInitializer {
    /** The filter's name in the fragment, and the one the README tells users to declare. */
    private static final String FILTER_NAME = "aurora-webhooks";
    /** Named, not referenced, so that this package does not depend on the filter's. */
    private static final String FILTER_CLASS = "org.aurorawebhooks.AuroraWebhookFilter";
    /**
     * Context attribute this class leaves for the filter: how the filter came to be registered, in
     * words for the start-up log. Absent when the container ran no initializer.
     */
    public static final String REGISTRATION_ATTRIBUTE = "org.aurorawebhooks.registration";
    /**
     * Init-param the jar's {@code web-fragment.xml} sets on its declaration, so that the filter can tell a
     * fragment registration (which a metadata-complete {@code web.xml} would silently undo) from the
     * host's own {@code web.xml} declaration.
     */
    public static final String DECLARED_IN_PARAM = "org.aurorawebhooks.declared-in";

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        String declared = declaredName(context);
        if (declared != null) {
            context.setAttribute(REGISTRATION_ATTRIBUTE, "declared in web.xml or the jar's web-fragment.xml "
                    + "(the ServletContainerInitializer of aurora-webhooks.jar found it and added nothing)");
            return;
        }
        // A filter of another class may hold our name in the host's web.xml; ours then goes by its class name.
        String name = context.getFilterRegistration(FILTER_NAME) == null ? FILTER_NAME : FILTER_CLASS;
        FilterRegistration.Dynamic filter = context.addFilter(name, FILTER_CLASS);
        filter.setAsyncSupported(true);
        // isMatchAfter=false: ahead of the filters web.xml declares, so that a host's security filter on
        // /* does not reject or redirect Aurora's deliveries before they are recorded.
        filter.addMappingForUrlPatterns(null, false, "/*");
        context.setAttribute(REGISTRATION_ATTRIBUTE, "registered on /* by the ServletContainerInitializer of "
                + "aurora-webhooks.jar, ahead of web.xml's filters (neither web.xml nor a web fragment declares it)");
    }

    /** The name under which web.xml or a fragment declares our filter, or null. */
    private static String declaredName(ServletContext context) {
        for (Map.Entry<String, ? extends FilterRegistration> entry : context.getFilterRegistrations().entrySet()) {
            if (FILTER_CLASS.equals(entry.getValue().getClassName())) {
                return entry.getKey();
            }
        }
        return null;
    }
}
