package dev.switchboard.core;

import java.net.URI;

/**
 * A bot users can call: its app, the tenant it is registered in, and its calling webhook (where its incoming calls
 * ring). Built by the server from the configuration (docs/inbound-calls.md).
 *
 * @param appId          the bot's app id
 * @param tenantId       the tenant the app is registered in; only users of this tenant can call it
 * @param displayName    the bot's name (the incoming call's {@code targets}); may be null
 * @param callingWebhook where the incoming-call notification goes; already checked against the callback URI policy
 */
public record CallingBot(String appId, String tenantId, String displayName, URI callingWebhook) {
    public CallingBot {
        if (appId == null || tenantId == null || callingWebhook == null) {
            throw new IllegalArgumentException("a calling bot needs an app, a tenant and a webhook");
        }
    }

    ParticipantIdentity identity() {
        return ParticipantIdentity.application(appId, displayName, tenantId);
    }
}
