/**
 * The supported API of aurora-webhooks: {@link org.aurorawebhooks.AuroraWebhookFilter}, the servlet
 * filter that records Aurora's webhook deliveries. Its registration ({@code web.xml}, the jar's web
 * fragment or its ServletContainerInitializer) and its configuration keys (README, "Configuration")
 * are the contract.
 *
 * <p>Every other package of this module is internal: public only where another package or module of
 * the project needs it, and free to change in any release.
 */
package org.aurorawebhooks;
