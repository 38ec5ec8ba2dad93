package dev.switchboard.core;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * A bot's call as an operator sees it (the dashboard): more than the Graph view (owner, room, operations), taken
 * under the call's conference lock and immutable afterwards.
 *
 * @param id             the bot's call id
 * @param callChainId    shared by every bot's call of the same group call
 * @param tenantId       the call's tenant
 * @param appId          the app that owns it
 * @param peerToPeer     a peer-to-peer call (else a group call)
 * @param joined         the bot joined an existing group call by its meeting coordinates (else it created the call)
 * @param appHostedMedia the bot brings its own media (else the service hosts it)
 * @param state          the state
 * @param createdAt      when the bot created it
 * @param resultInfo     why it ended, or null
 * @param myParticipantId the bot's own participant
 * @param mediaRoomId    the id of the call's media room (where its legs are found)
 * @param callbackUri    where its notifications go
 * @param roster         the participants now
 * @param operations     its running and its retained finished operations, oldest first
 */
public record CallSnapshot(String id, String callChainId, String tenantId, String appId, boolean peerToPeer,
                           boolean joined, boolean appHostedMedia, CallState state, Instant createdAt,
                           ResultInfo resultInfo, String myParticipantId, String mediaRoomId, URI callbackUri,
                           List<ParticipantView> roster, List<Operation> operations) {
    public CallSnapshot {
        roster = List.copyOf(roster);
        operations = List.copyOf(operations);
    }

    /** The caller the call's owner acts as: what an operator's action is carried out as, so it takes the bot's path. */
    public Caller owner() {
        return Caller.app(tenantId, appId);
    }
}
