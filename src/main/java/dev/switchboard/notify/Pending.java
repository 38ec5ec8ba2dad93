package dev.switchboard.notify;

import java.net.URI;

/**
 * One notification waiting for delivery: its addressing, its {@code commsNotification} item (rendered already, or
 * when its POST is frozen: {@link NotificationItem}) and its deadline. Immutable (the item renders at most once).
 */
final class Pending {
    final String callId;
    final String tenantId;
    final String botAppId;
    final URI callbackUri;
    final NotificationKind kind;
    final String resourceUrl;
    final NotificationItem item;
    final long enqueuedNanos;
    final long deadlineNanos;
    /** The call's last notification. */
    final boolean terminal;

    Pending(OutboundNotification notification, String resourceUrl, NotificationItem item, long enqueuedNanos, long deadlineNanos,
            boolean terminal) {
        this.callId = notification.callId();
        this.tenantId = notification.tenantId();
        this.botAppId = notification.botAppId();
        this.callbackUri = notification.callbackUri();
        this.kind = notification.kind();
        this.resourceUrl = resourceUrl;
        this.item = item;
        this.enqueuedNanos = enqueuedNanos;
        this.deadlineNanos = deadlineNanos;
        this.terminal = terminal;
    }

    /** The notification as it waits, from now until its TTL. */
    static Pending freeze(OutboundNotification n, long nowNanos, long ttlNanos) {
        return new Pending(n, n.resourceUrl() == null ? "" : n.resourceUrl(), n.item(), nowNanos,
                nowNanos + ttlNanos, n.last());
    }

    boolean isRoster() {
        return kind == NotificationKind.ROSTER;
    }

    /** Whether {@code other} may share one POST with this: same destination and same token audience/tenant. */
    boolean sameAddress(Pending other) {
        return callbackUri.equals(other.callbackUri) && tenantId.equals(other.tenantId) && botAppId.equals(other.botAppId);
    }
}
