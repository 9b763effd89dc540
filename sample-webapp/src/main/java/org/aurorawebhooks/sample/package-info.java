/**
 * The sample host app: an embedded Jetty with a page of its own ({@code SampleHomeServlet}, which reads
 * through the classes that own the tables, never with SQL of its own), aurora-webhooks' filter in front
 * of it, its own configuration keys ({@code aurora.sample.*}, in {@code SampleKeys}), a demo mode in
 * which the simulated Aurora tells {@code DemoStories} through all 26 events, and handlers of its own,
 * registered the two ways an app of yours can: {@code SampleHandler} in {@code META-INF/services}, and in
 * demo mode {@code DemoCrmHandler} with {@code AuroraHandlers.register}.
 *
 * <p>An example to read and run, not a library: internal and unsupported, it may change in any release.
 * Only the filter and the handler API ({@code org.aurorawebhooks.AuroraEventHandler} and its companions) are
 * supported.
 */
package org.aurorawebhooks.sample;
