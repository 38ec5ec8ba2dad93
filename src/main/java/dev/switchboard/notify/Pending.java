package dev.switchboard.notify;

import java.net.URI;

/**
 * One notification on its way: its addressing, the frozen request body and its delivery state (the caller's
 * JSON node is not kept). The body is serialized at
 * enqueue, so later changes to the caller's JSON node do not leak into it. {@code sequence} and
 * {@code attempts} are touched only by the one delivery chain of its call (one at a time, with
 * happens-before through the executors).
 */
final class Pending {
    final String callId;
    final String tenantId;
    final String botAppId;
    final URI callbackUri;
    final NotificationKind kind;
    final String id;
    final byte[] body;
    final byte[] bodySha256;
    final long enqueuedNanos;
    final long deadlineNanos;
    final boolean terminal;
    long sequence;
    int attempts;

    Pending(OutboundNotification notification, String id, byte[] body, byte[] bodySha256,
            long enqueuedNanos, long deadlineNanos, boolean terminal) {
        this.callId = notification.callId();
        this.tenantId = notification.tenantId();
        this.botAppId = notification.botAppId();
        this.callbackUri = notification.callbackUri();
        this.kind = notification.kind();
        this.id = id;
        this.body = body;
        this.bodySha256 = bodySha256;
        this.enqueuedNanos = enqueuedNanos;
        this.deadlineNanos = deadlineNanos;
        this.terminal = terminal;
    }

    boolean isRoster() {
        return kind == NotificationKind.ROSTER;
    }
}
