package org.aurorawebhooks.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread factory for every thread the library starts. Daemon threads, so a forgotten one never
 * keeps a JVM (the CLI, a test) alive; named {@code aurora-<purpose>-<n>}, so an operator reading a thread
 * dump, and the test that stops a webapp and looks for leftovers, can tell them from the host's. Owners
 * still stop and join their threads on shutdown: daemon is a safety net, not a way to stop.
 *
 * <p>Internal and unsupported: it may change in any release.
 */
public final class DaemonThreads implements ThreadFactory {
    /** Every thread the library starts has a name beginning with this. */
    public static final String PREFIX = "aurora-";

    private final String name;
    private final AtomicInteger count = new AtomicInteger();
    /** Every thread made, so that {@link #join} can wait for them: an executor's awaitTermination returns before its threads have ended. */
    private final java.util.List<Thread> made = new java.util.concurrent.CopyOnWriteArrayList<>();

    private DaemonThreads(String purpose) {
        this.name = PREFIX + purpose;
    }

    /** A factory naming its threads {@code aurora-<purpose>-1}, {@code -2}, ... */
    public static DaemonThreads named(String purpose) {
        java.util.Objects.requireNonNull(purpose, "purpose == null");
        return new DaemonThreads(purpose);
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread t = new Thread(task, name + "-" + count.incrementAndGet());
        t.setDaemon(true);
        made.add(t);
        return t;
    }

    /**
     * Waits up to {@code timeout} for every thread this factory made to end (after their owner told them to
     * stop), so that a container checking for leaked threads right after an undeploy finds none.
     */
    public void join(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : made) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            t.join(Math.max(1, left / 1_000_000));
        }
    }
}
