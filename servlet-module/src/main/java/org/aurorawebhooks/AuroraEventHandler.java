package org.aurorawebhooks;

/**
 * The host app's code for recorded Aurora events: the library calls {@link #handle} for every event
 * committed to {@code aurora_webhook_events} whose type the handler {@linkplain #accepts accepts}.
 *
 * <p><b>Contract.</b> At least once per matching event, never on the request thread, after the event's
 * transaction committed, from the database (pending calls survive restarts and crashes). One handler gets
 * the events of one {@linkplain AuroraEvent#subject() subject} in the order they were received and never
 * two at a time, on any number of nodes sharing the database; events of different subjects run in
 * parallel on {@code aurora.handlers.workers} threads per node. Repeats (an identical delivery within
 * {@code aurora.webhooks.repeat-window}) are handed over too, with {@link AuroraEvent#repeatOf()} set: two real
 * changes of a lead minutes apart look identical, so only the handler can tell whether it cares.
 *
 * <p><b>Failure.</b> A call that throws (anything, including an {@link Error} other than a VM error) or
 * runs longer than {@code aurora.handlers.timeout} (the calling thread is then interrupted) is retried after
 * the waits of {@code aurora.handlers.retry-schedule}, with jitter; {@link AuroraEvent#attempt()} says which
 * attempt a call is. A call that never reports back (its node crashed or lost the database, or it ignored
 * the interrupt) counts as a failed attempt too, once its claim expires ({@code aurora.handlers.timeout} plus
 * 30 s), and is made again, possibly on another node. While one event of a subject is being retried, that
 * handler's later events of the same subject wait (order is kept). After the last attempt the delivery is a <em>dead letter</em>: it stays,
 * with its last error, until an operator retries it ({@code dead-letters}, {@code retry}); the subject's
 * later events then go on. Because a call can be repeated (a retry, a crash after the work and before the
 * "done" mark), make the work idempotent, or use {@link AuroraTransactionalHandler} for work in the same
 * database.
 *
 * <p><b>Registration.</b> List the class in {@code META-INF/services/org.aurorawebhooks.AuroraEventHandler}
 * in the webapp (it needs a public no-argument constructor), or call
 * {@link AuroraHandlers#register(jakarta.servlet.ServletContext, AuroraEventHandler)} from the host's own
 * start-up code. Deliveries are tracked per {@link #name()}: keep it stable across releases.
 *
 * <p><b>Threads.</b> One instance is called from several worker threads at once (for different subjects):
 * it must be thread-safe.
 */
public interface AuroraEventHandler {
    /**
     * Acts on one event. Return normally when done; throw to have the call retried.
     *
     * @throws Exception anything: the attempt counts as failed and is retried on the schedule
     */
    void handle(AuroraEvent event) throws Exception;

    /**
     * Whether this handler wants events of {@code eventType} (e.g. {@code lead_created}); decided when an
     * event is recorded, so it must be cheap, side-effect free and stable. All types by default.
     */
    default boolean accepts(String eventType) {
        return true;
    }

    /** The name deliveries are tracked by (at most 200 characters); the class name by default. */
    default String name() {
        return getClass().getName();
    }
}
