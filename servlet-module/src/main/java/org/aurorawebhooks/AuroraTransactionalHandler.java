package org.aurorawebhooks;

import java.sql.Connection;

/**
 * A handler whose work is in the library's own database and happens exactly once: it gets the JDBC
 * {@link Connection} of the transaction in which its delivery is marked done. Its writes on that
 * connection commit together with the mark, or roll back together when it throws, times out, or the
 * delivery's claim was lost (another node took it over after {@code aurora.handlers.timeout}); then the
 * call is retried as for any handler.
 *
 * <p>Use the connection only inside {@link #handle(AuroraEvent, Connection)}: do not commit, roll back,
 * close it or change its auto-commit mode, and do not keep it. Work outside the database (an HTTP call, a
 * message) is still at-least-once. Everything else is as for {@link AuroraEventHandler}.
 */
public interface AuroraTransactionalHandler extends AuroraEventHandler {
    /**
     * Acts on one event with the delivery's transaction.
     *
     * @throws Exception anything: the transaction rolls back and the call is retried on the schedule
     */
    void handle(AuroraEvent event, Connection connection) throws Exception;

    /**
     * Not called for a transactional handler: the library calls {@link #handle(AuroraEvent, Connection)}.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    default void handle(AuroraEvent event) throws Exception {
        throw new UnsupportedOperationException(name() + " is transactional: call handle(event, connection)");
    }
}
