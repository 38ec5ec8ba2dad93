package dev.switchboard.notify;

import java.net.URI;

/**
 * One notification the bot must hear about. The notifier delivers the item as it is and never reads it.
 *
 * @param callId      the call it belongs to; notifications of one call are delivered in the order enqueued
 * @param tenantId    the call's tenant (the {@code tid} of the callback token)
 * @param botAppId    the app that owns the call (the {@code aud} of the callback token)
 * @param callbackUri where to POST
 * @param kind        what it is about (rosters may be coalesced)
 * @param resourceUrl what it is about, for logs
 * @param last        the call's last notification: its queue retires once this is delivered or given up
 * @param item        one {@code #microsoft.graph.commsNotification} object as UTF-8 JSON, rendered already or on
 *                    first use ({@link NotificationItem}); its position among the call's notifications is where it
 *                    was enqueued, whenever it is rendered
 */
public record OutboundNotification(String callId, String tenantId, String botAppId, URI callbackUri,
                                   NotificationKind kind, String resourceUrl, boolean last, NotificationItem item) {

    /** A notification whose item is rendered already; {@code commsNotification} is handed over, never changed. */
    public OutboundNotification(String callId, String tenantId, String botAppId, URI callbackUri, NotificationKind kind,
                                String resourceUrl, boolean last, byte[] commsNotification) {
        this(callId, tenantId, botAppId, callbackUri, kind, resourceUrl, last,
                commsNotification == null ? null : NotificationItem.of(commsNotification));
    }

    /** The item's bytes, rendering it now if it was not yet (on the calling thread; see {@link NotificationItem}). */
    public byte[] commsNotification() {
        return item.bytes();
    }
}
