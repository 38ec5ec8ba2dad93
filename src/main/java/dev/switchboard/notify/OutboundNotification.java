package dev.switchboard.notify;

import java.net.URI;

/**
 * One rendered notification the bot must hear about. The notifier delivers {@code commsNotification} as it is and
 * never reads it.
 *
 * @param callId            the call it belongs to; notifications of one call are delivered in the order enqueued
 * @param tenantId          the call's tenant (the {@code tid} of the callback token)
 * @param botAppId          the app that owns the call (the {@code aud} of the callback token)
 * @param callbackUri       where to POST
 * @param kind              what it is about (rosters may be coalesced)
 * @param resourceUrl       what it is about, for logs
 * @param last              the call's last notification: its queue retires once this is delivered or given up
 * @param commsNotification one {@code #microsoft.graph.commsNotification} object as UTF-8 JSON; handed over, never
 *                          changed afterwards
 */
public record OutboundNotification(String callId, String tenantId, String botAppId, URI callbackUri,
                                   NotificationKind kind, String resourceUrl, boolean last, byte[] commsNotification) {
}
