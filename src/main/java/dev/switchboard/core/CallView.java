package dev.switchboard.core;

import java.util.List;

/**
 * An immutable snapshot of a bot's call, as {@code GET /communications/calls/{id}} shows it.
 *
 * @param id              the call id
 * @param callChainId     shared by every bot's call in the same group call
 * @param tenantId        the tenant
 * @param state           the state
 * @param myParticipantId the bot's participant
 * @param peerToPeer      whether it is a peer-to-peer call
 * @param request         what the bot asked for (echoed)
 * @param source          the bot's identity
 * @param mediaAnswer     the SDP answer for app-hosted media, else null
 * @param joinMeetingId   the group call's meeting id (how another bot joins it), null for peer-to-peer
 * @param resultInfo      why it ended, or null
 * @param roster          the participants at the time of the snapshot
 */
public record CallView(String id, String callChainId, String tenantId, CallState state, String myParticipantId,
                       boolean peerToPeer, CreateCallRequest request, ParticipantIdentity source, String mediaAnswer,
                       String joinMeetingId, ResultInfo resultInfo, List<ParticipantView> roster) {
    public CallView {
        roster = List.copyOf(roster);
    }
}
