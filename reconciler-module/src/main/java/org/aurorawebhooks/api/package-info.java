/**
 * The Aurora Solar API client the lead sync, the reconciler and the CLI share: Retrieve Lead, List
 * Leads and the webhook subscription calls, one rate budget per process, retries on 429 and 5xx within a
 * bounded time, and exceptions named after the failure (a refused token, an unknown tenant, an
 * unreachable host, a stop).
 *
 * <p>Internal and unsupported: public because other packages of the library use it; it may change in
 * any release. Only the filter (and, in a later release, the handler API) is supported.
 */
package org.aurorawebhooks.api;
