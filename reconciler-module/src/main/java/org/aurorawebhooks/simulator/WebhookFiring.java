package org.aurorawebhooks.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * One webhook the simulated Aurora fired (or dropped, or failed to send), as it logs it.
 *
 * @param event the event name, e.g. {@code lead_created}
 * @param url the delivery URL with credentials masked (user info and credential-bearing parameters)
 * @param outcome what happened
 * @param status the answer's HTTP status; 0 when nothing was answered (dropped or failed)
 * @param took from sending to the answer; zero when dropped
 * @param error why a failed firing failed; null otherwise
 */
public record WebhookFiring(String event, String url, Outcome outcome, int status, Duration took, String error) {

    /** What became of one firing. */
    public enum Outcome {
        /** Sent and answered (any status: a 401 or 500 from the app is still an answer). */
        ANSWERED,
        /** Not sent: chosen by the drop share, standing for a delivery lost on the way. */
        DROPPED,
        /** Sent but not answered: connection refused, timeout, reset. */
        FAILED
    }

    public WebhookFiring {
        Objects.requireNonNull(event, "event == null");
        Objects.requireNonNull(url, "url == null");
        Objects.requireNonNull(outcome, "outcome == null");
        Objects.requireNonNull(took, "took == null");
    }

    /** The log line: {@code webhook lead_created -> http://... : 200 in 12 ms}. */
    public String describe() {
        String head = "webhook " + event + " -> " + url + ": ";
        return switch (outcome) {
            case ANSWERED -> head + status + " in " + took.toMillis() + " ms";
            case DROPPED -> head + "dropped (the drop share chose it; nothing sent)";
            case FAILED -> head + "failed after " + took.toMillis() + " ms: " + error;
        };
    }
}
