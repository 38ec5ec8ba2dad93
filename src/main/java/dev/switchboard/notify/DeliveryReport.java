package dev.switchboard.notify;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of one attempt of one webhook POST (one {@code commsNotifications} body of one call, sent with the same
 * notification id and sequence on every retry).
 *
 * @param callId         the call whose notifications the POST carries
 * @param notificationId the {@code X-Switchboard-Notification-Id} of the POST (the same on every retry)
 * @param sequence       its {@code X-Switchboard-Sequence}
 * @param kinds          what it carries, in order ({@code callState}, {@code roster}, ...)
 * @param state          where it stands after this attempt
 * @param attempts       the attempts so far
 * @param statusCode     the receiver's HTTP status, or -1 when no answer came (network, timeout, refused before sending)
 * @param latencyMillis  how long the attempt took until the answer, or -1 when none was sent
 * @param nextAttemptAt  when it is tried again ({@link State#RETRYING} only), else null
 * @param lastError      why the last attempt failed (a short reason, never a secret), or null once delivered
 * @param at             when this outcome was known
 * @param body           the POST's body as sent (shared, never changed; read it, do not modify it)
 */
public record DeliveryReport(String callId, String notificationId, long sequence, List<String> kinds, State state,
                             int attempts, int statusCode, long latencyMillis, Instant nextAttemptAt, String lastError,
                             Instant at, byte[] body) {
    /** Where a POST stands. */
    public enum State { DELIVERED, RETRYING, GAVE_UP }

    public DeliveryReport {
        kinds = List.copyOf(kinds);
    }

    /** The body as text (UTF-8 JSON). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
