package org.aurorawebhooks.evidence;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.aurorawebhooks.evidence.RetryingClients.Ack;

/**
 * Compares {@code aurora_webhook_events} with what was sent and acknowledged, row by row and column by
 * column. A row belongs to a delivery by its query string, which the nonce makes unique; the 200's body names
 * the row that acknowledged it. What it counts:
 * <ul>
 * <li><b>lost</b>: an acknowledged delivery whose acknowledging row is missing, or holds another delivery;</li>
 * <li><b>altered</b>: a row whose event, attribute columns or {@code undocumented_values} differ from what was
 * sent, whose {@code repeat_of} does not name the delivery's first row, or whose {@code received_at} lies
 * outside the attempts that can have written it;</li>
 * <li><b>foreign</b>: a row of no delivery sent;</li>
 * <li><b>stored but never acknowledged</b>: further rows of a delivery, from attempts whose commit the client
 * never heard of (the node was killed between the commit and the answer): at-least-once, allowed, reported.</li>
 * </ul>
 * Stateless.
 */
final class EventAudit {
    /** At most this many problems are spelled out in a failure message; all are counted. */
    private static final int SHOWN = 20;

    /** The outcome: the counts and the problems, spelled out. */
    record Figures(int sent, int acknowledged, int storedRows, int lost, int altered, int foreign,
                   int storedNotAcknowledged, List<String> problems) {
        /** Every acknowledged delivery stored exactly as sent, nothing foreign. */
        boolean clean() {
            return lost == 0 && altered == 0 && foreign == 0 && problems.isEmpty();
        }

        /** The problems for a failure message: the counts, then the first few spelled out. */
        String describe() {
            return "sent " + sent + ", acknowledged " + acknowledged + ", stored rows " + storedRows + ", lost " + lost
                    + ", altered " + altered + ", foreign " + foreign + ", stored but never acknowledged "
                    + storedNotAcknowledged + (problems.isEmpty() ? "" : "; first problems:\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(SHOWN, problems.size()))));
        }
    }

    private EventAudit() {
    }

    /** @param rows every row of the table, by id */
    static Figures audit(List<Delivery> sent, Map<Integer, Ack> acks, List<StoredEvent> rows) {
        List<String> problems = new ArrayList<>();
        Map<String, Delivery> byQuery = new HashMap<>();
        sent.forEach(d -> byQuery.put(d.query(), d));
        Map<Long, StoredEvent> byId = new HashMap<>();
        Map<Integer, List<StoredEvent>> rowsOf = new HashMap<>();
        int altered = 0;
        int foreign = 0;
        for (StoredEvent row : rows) {
            byId.put(row.id(), row);
            Delivery d = byQuery.get(row.queryString());
            if (d == null) {
                foreign++;
                problems.add("row " + row.id() + " is no delivery sent: " + row.eventType() + "?" + row.queryString());
                continue;
            }
            rowsOf.computeIfAbsent(d.seq(), k -> new ArrayList<>()).add(row);
            List<String> differences = differences(d, row);
            if (!differences.isEmpty()) {
                altered++;
                problems.add("row " + row.id() + " of delivery " + d.seq() + " differs from what was sent: " + differences);
            }
        }
        int lost = 0;
        int copies = 0;
        for (Delivery d : sent) {
            Ack ack = acks.get(d.seq());
            List<StoredEvent> own = rowsOf.getOrDefault(d.seq(), List.of()); // by id: rows come in id order
            if (ack == null) {
                copies += own.size();
                continue;
            }
            StoredEvent acked = byId.get(ack.rowId());
            if (acked == null || !acked.queryString().equals(d.query())) {
                lost++;
                problems.add("delivery " + d.seq() + " was acknowledged by " + ack.node() + " as row " + ack.rowId()
                        + " after " + ack.attempts() + " attempt(s), but " + (acked == null ? "there is no such row"
                        : "that row holds another delivery: " + acked.queryString()));
                copies += own.size();
                continue;
            }
            copies += own.size() - 1;
            // The acknowledging attempt wrote its row; earlier attempts may have written copies.
            if (!within(acked.receivedAt(), ack.ackSent(), ack.acked())) {
                altered++;
                problems.add("row " + acked.id() + " acknowledged delivery " + d.seq() + " but was received at "
                        + acked.receivedAt() + ", outside its attempt [" + ack.ackSent() + ", " + ack.acked() + "]");
            }
            for (StoredEvent row : own) {
                if (!within(row.receivedAt(), ack.firstSent(), ack.acked())) {
                    altered++;
                    problems.add("row " + row.id() + " of delivery " + d.seq() + " was received at " + row.receivedAt()
                            + ", outside its attempts [" + ack.firstSent() + ", " + ack.acked() + "]");
                }
            }
            // Copies of one delivery are repeats of its first row (the run configures a repeat window longer than itself).
            for (int i = 0; i < own.size(); i++) {
                Long expected = i == 0 ? null : own.get(0).id();
                if (!Objects.equals(own.get(i).repeatOf(), expected)) {
                    altered++;
                    problems.add("row " + own.get(i).id() + " of delivery " + d.seq() + " has repeat_of "
                            + own.get(i).repeatOf() + ", expected " + expected);
                }
            }
        }
        return new Figures(sent.size(), acks.size(), rows.size(), lost, altered, foreign, copies, problems);
    }

    /** Each column the design defines for a delivery, as sent. */
    private static List<String> differences(Delivery d, StoredEvent row) {
        List<String> out = new ArrayList<>();
        if (!d.event().equals(row.eventType())) {
            out.add("event_type " + row.eventType() + " instead of " + d.event());
        }
        for (String column : StoredEvent.ATTRIBUTE_COLUMNS) {
            String expected = d.values().get(column);
            String stored = row.attributes().get(column);
            if (!Objects.equals(expected, stored)) {
                out.add(column + " \"" + stored + "\" instead of \"" + expected + "\"");
            }
        }
        if (!Objects.equals(d.undocumented(), row.undocumentedValues())) {
            out.add("undocumented_values \"" + row.undocumentedValues() + "\" instead of \"" + d.undocumented() + "\"");
        }
        return out;
    }

    /**
     * Whether the library's clock read {@code at} between the two moments of this JVM's clock (one machine, one
     * wall clock), allowing for the store's truncation to milliseconds.
     */
    private static boolean within(Instant at, Instant from, Instant to) {
        return !at.isBefore(from.truncatedTo(ChronoUnit.MILLIS)) && !at.isAfter(to);
    }
}
