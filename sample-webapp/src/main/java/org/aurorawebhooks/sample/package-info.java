/**
 * The sample host app: an embedded Jetty with a page of its own ({@code SampleHomeServlet}, which reads
 * through the classes that own the tables, never with SQL of its own), aurora-webhooks' filter in front
 * of it, its own configuration keys ({@code aurora.sample.*}, in {@code SampleKeys}) and a demo mode
 * driven by the simulated Aurora, and a handler of its own ({@code SampleHandler}, registered in
 * {@code META-INF/services} as an app of yours would).
 *
 * <p>An example to read and run, not a library: internal and unsupported, it may change in any release.
 * Only the filter and the handler API ({@code org.aurorawebhooks.AuroraEventHandler} and its companions) are
 * supported.
 */
package org.aurorawebhooks.sample;
