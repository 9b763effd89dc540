package org.aurorawebhooks.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.store.Database;
import org.aurorawebhooks.testing.SettableClock;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The reconcile lock's lease on each database, with a clock the test moves instead of sleeping. */
class LeaseLockTest {
    private static final Duration LEASE = Duration.ofMinutes(2);


    private static Database open(Kind kind) {
        Database db = Database.open(Settings.of(TestDatabases.fresh(kind)));
        db.ensureMigrated();
        return db;
    }

    private static long expiresAt(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT expires_at FROM aurora_locks WHERE name = 'reconcile'")
                .mapTo(Long.class).one());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void firstAcquireTakesTheFreeLockAndASecondHolderIsToldWhoHasIt(Kind kind) {
        SettableClock clock = new SettableClock();
        try (Database db = open(kind)) {
            LeaseLock a = new LeaseLock(db, clock, "reconcile", "node-a", LEASE);
            LeaseLock b = new LeaseLock(db, clock, "reconcile", "node-b", LEASE);
            assertEquals(Optional.empty(), a.tryAcquire());
            assertEquals(Optional.of("node-a"), b.tryAcquire());
            assertEquals(Optional.empty(), a.tryAcquire(), "the holder may take it again");
            a.release();
            assertEquals(Optional.empty(), b.tryAcquire(), "free again once released");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void renewingExtendsTheLeaseSoAnotherCannotTakeIt(Kind kind) {
        SettableClock clock = new SettableClock();
        try (Database db = open(kind)) {
            LeaseLock a = new LeaseLock(db, clock, "reconcile", "node-a", LEASE);
            LeaseLock b = new LeaseLock(db, clock, "reconcile", "node-b", LEASE);
            assertEquals(Optional.empty(), a.tryAcquire());
            clock.advance(Duration.ofSeconds(90));
            assertTrue(a.renew());
            assertEquals(clock.millis() + LEASE.toMillis(), expiresAt(db));
            clock.advance(Duration.ofSeconds(90)); // past the first lease, inside the renewed one
            assertEquals(Optional.of("node-a"), b.tryAcquire());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aLeaseThatRanOutIsTakenByAnotherAndTheOldHolderCannotRenew(Kind kind) {
        SettableClock clock = new SettableClock();
        try (Database db = open(kind)) {
            LeaseLock a = new LeaseLock(db, clock, "reconcile", "node-a", LEASE);
            LeaseLock b = new LeaseLock(db, clock, "reconcile", "node-b", LEASE);
            assertEquals(Optional.empty(), a.tryAcquire());
            clock.advance(LEASE.plusMillis(1));
            assertEquals(Optional.empty(), b.tryAcquire(), "acquire after expiry");
            assertFalse(a.renew(), "the lock was lost");
            a.release(); // must not free b's lock
            assertEquals(Optional.of("node-b"), new LeaseLock(db, clock, "reconcile", "node-c", LEASE).tryAcquire());
            assertEquals(clock.millis() + LEASE.toMillis(), expiresAt(db));
        }
    }
}
