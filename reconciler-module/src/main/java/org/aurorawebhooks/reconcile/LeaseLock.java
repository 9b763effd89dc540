package org.aurorawebhooks.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.store.Dialect;

/**
 * A named lock held as a lease row in {@code aurora_locks}: it works the same on every database and
 * across nodes, and a holder killed mid-run loses it when the lease runs out, so a run can always
 * be started again. The holder renews it while it works. Thread-safe.
 */
final class LeaseLock {
    private final Database database;
    private final Clock clock;
    private final String name;
    private final String holder;
    private final Duration lease;

    LeaseLock(Database database, Clock clock, String name, String holder, Duration lease) {
        this.database = database;
        this.clock = clock;
        this.name = name;
        this.holder = holder;
        this.lease = lease;
    }

    /**
     * Takes the lock if it is free or its lease ran out; otherwise returns who holds it.
     *
     * <p>Each step is one statement that cannot fail because of another node, so nothing is caught
     * inside a transaction (a failed statement aborts a PostgreSQL transaction): the row is created
     * free if missing (a conflict leaves the existing row alone), then taken by an {@code UPDATE} whose
     * condition the database re-checks under the row lock, so of two nodes racing exactly one wins.
     */
    Optional<String> tryAcquire() {
        long now = clock.millis();
        long expires = now + lease.toMillis();
        Dialect dialect = database.dialect();
        return database.jdbi().withHandle(h -> {
            h.createUpdate("INSERT INTO aurora_locks (name, holder, expires_at) VALUES (:name, '', 0)"
                            + dialect.doNothingOnConflict("name"))
                    .bind("name", name).execute();
            int taken = h.createUpdate("UPDATE aurora_locks SET holder = :holder, expires_at = :expires "
                            + "WHERE name = :name AND (expires_at < :now OR holder = :holder)")
                    .bind("holder", holder).bind("expires", expires).bind("name", name).bind("now", now).execute();
            if (taken == 1) {
                return Optional.empty();
            }
            String current = h.createQuery("SELECT holder FROM aurora_locks WHERE name = :name")
                    .bind("name", name).mapTo(String.class).findOne().orElse("");
            return Optional.of(current.isEmpty() ? "another run" : current);
        });
    }

    /** Extends the lease; false when the lock was lost (the lease ran out and someone else took it). */
    boolean renew() {
        long now = clock.millis();
        return database.jdbi().withHandle(h -> h.createUpdate(
                        "UPDATE aurora_locks SET expires_at = :expires WHERE name = :name AND holder = :holder")
                .bind("expires", now + lease.toMillis()).bind("name", name).bind("holder", holder).execute()) == 1;
    }

    void release() {
        database.jdbi().useHandle(h -> h.createUpdate("DELETE FROM aurora_locks WHERE name = :name AND holder = :holder")
                .bind("name", name).bind("holder", holder).execute());
    }
}
