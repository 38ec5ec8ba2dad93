package dev.switchboard.notify;

/**
 * One notification on its way: the frozen request body and its delivery state. The body is serialized at
 * enqueue, so later changes to the caller's JSON node do not leak into it. {@code sequence} and
 * {@code attempts} are touched only by the one delivery chain of its call (one at a time, with
 * happens-before through the executors).
 */
final class Pending {
    final OutboundNotification notification;
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
        this.notification = notification;
        this.id = id;
        this.body = body;
        this.bodySha256 = bodySha256;
        this.enqueuedNanos = enqueuedNanos;
        this.deadlineNanos = deadlineNanos;
        this.terminal = terminal;
    }

    boolean isRoster() {
        return notification.kind() == NotificationKind.ROSTER;
    }
}
