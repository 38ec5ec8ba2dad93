package dev.switchboard.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;

/**
 * One change the bot must hear about, as the call engine hands it over.
 *
 * @param callId           the call it belongs to; notifications of one call are delivered in the order enqueued
 * @param tenantId         the call's tenant (the {@code tid} of the callback token)
 * @param botAppId         the app that owns the call (the {@code aud} of the callback token)
 * @param callbackUri      where to POST
 * @param kind             what it is about
 * @param commsNotification one {@code #microsoft.graph.commsNotification} object (changeType, resourceUrl, resourceData)
 */
public record OutboundNotification(String callId, String tenantId, String botAppId, URI callbackUri,
                                   NotificationKind kind, ObjectNode commsNotification) {
}
