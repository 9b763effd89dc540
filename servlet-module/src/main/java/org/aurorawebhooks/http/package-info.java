/**
 * The webhook endpoint behind the filter: which paths are the filter's, methods, authentication,
 * parsing and validating a delivery against the catalogue, committing it, and the answers of the
 * README's endpoint table, and what this node's endpoint answered ({@code EndpointTraffic}: counts per
 * event and reason, the latest rejected requests, for the operator console). The HTTP answers (statuses, error codes, JSON) are the contract; these
 * types are not.
 *
 * <p>Internal and unsupported: used by the filter and its console only; it may change in any release.
 */
package org.aurorawebhooks.http;
