package dev.switchboard.notify;

import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * The HTTP request of one attempt of a POST, as the bot receives it.
 *
 * <p><b>Wire.</b> A POST body is {@code {"@odata.type":"#microsoft.graph.commsNotifications","value":[item…]}} with
 * one or more consecutive notifications of one call (more than one only when they queued up behind that call's
 * previous POST, at most {@code maxBatchSize}), {@code Content-Type: application/json}, {@code Authorization:
 * Bearer <token>} (one Graph-shaped token per bot, reused until half its life is over: {@link CallbackCredentials}),
 * {@code X-Switchboard-Signature} (HMAC of id, sequence and body under the bot's key: {@link NotificationSignature}),
 * {@code X-Switchboard-Notification-Id} (a UUID per POST, the same on every retry of it) and
 * {@code X-Switchboard-Sequence} (per call 1, 2, 3…, +1 per new POST; a POST is frozen when first attempted, so
 * a retry resends exactly the same body, and rosters coalesced away before that leave no gap).
 */
final class CallbackRequest {
    private CallbackRequest() {
    }

    /**
     * @param connect where to connect, with the {@code Host} header when pinned ({@link PinnedTarget})
     * @param body    {@code d}'s frozen body, sent without a copy (issue 17)
     * @throws IllegalArgumentException when the URI cannot make a request
     */
    static HttpRequest of(PinnedTarget connect, Duration timeout, String token, Delivery d, String signature, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(connect.connectUri());
        if (connect.pinned()) {
            builder.header("Host", connect.hostHeader());
        }
        return builder
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .header(WebhookNotifier.NOTIFICATION_ID_HEADER, d.id)
                .header(WebhookNotifier.SEQUENCE_HEADER, Long.toString(d.sequence))
                .header(NotificationSignature.HEADER, signature)
                .POST(new SharedBodyPublisher(body)) // no copy of the frozen body (issue 17)
                .build();
    }
}
