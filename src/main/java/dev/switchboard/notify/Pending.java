package dev.switchboard.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * One notification waiting for delivery: its addressing and its {@code commsNotification} item, serialized at
 * enqueue (so later changes to the caller's JSON node cannot leak in, and the node itself is not kept).
 * Immutable.
 */
final class Pending {
    private static final ObjectMapper JSON = new ObjectMapper();
    final String callId;
    final String tenantId;
    final String botAppId;
    final URI callbackUri;
    final NotificationKind kind;
    final String resourceUrl;
    final byte[] item;
    final long enqueuedNanos;
    final long deadlineNanos;
    /** A call-state {@code deleted}: the call's last notification. */
    final boolean terminal;

    Pending(OutboundNotification notification, String resourceUrl, byte[] item, long enqueuedNanos, long deadlineNanos,
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

    /**
     * Serializes the item now (adding {@code "@odata.type":"#microsoft.graph.commsNotification"} when missing).
     *
     * @throws UncheckedIOException when the node cannot be serialized
     */
    static Pending freeze(OutboundNotification n, long nowNanos, long ttlNanos) {
        ObjectNode item = n.commsNotification();
        if (!item.has("@odata.type")) {
            ObjectNode typed = JsonNodeFactory.instance.objectNode().put("@odata.type", WebhookNotifier.ITEM_TYPE);
            typed.setAll(item);
            item = typed;
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(item);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize notification of call " + n.callId(), e);
        }
        boolean terminal = n.kind() == NotificationKind.CALL_STATE && "deleted".equals(item.path("changeType").asText());
        return new Pending(n, item.path("resourceUrl").asText(""), bytes, nowNanos, nowNanos + ttlNanos, terminal);
    }

    boolean isRoster() {
        return kind == NotificationKind.ROSTER;
    }

    /** Whether {@code other} may share one POST with this: same destination and same token audience/tenant. */
    boolean sameAddress(Pending other) {
        return callbackUri.equals(other.callbackUri) && tenantId.equals(other.tenantId) && botAppId.equals(other.botAppId);
    }
}
