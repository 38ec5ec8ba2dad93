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
 * @param inbound         for a call a user dialed (direction incoming): who called; null for the bot's own calls
 */
public record CallView(String id, String callChainId, String tenantId, CallState state, String myParticipantId,
                       boolean peerToPeer, CreateCallRequest request, ParticipantIdentity source, String mediaAnswer,
                       String joinMeetingId, ResultInfo resultInfo, List<ParticipantView> roster, Inbound inbound) {
    public CallView {
        roster = List.copyOf(roster);
    }

    /** A call the bot placed (direction outgoing). */
    public CallView(String id, String callChainId, String tenantId, CallState state, String myParticipantId,
                    boolean peerToPeer, CreateCallRequest request, ParticipantIdentity source, String mediaAnswer,
                    String joinMeetingId, ResultInfo resultInfo, List<ParticipantView> roster) {
        this(id, callChainId, tenantId, state, myParticipantId, peerToPeer, request, source, mediaAnswer, joinMeetingId,
                resultInfo, roster, null);
    }

    /**
     * The incoming side of a call (Graph's {@code direction: incoming}, {@code incomingContext}).
     *
     * @param caller              who dialed (Graph's {@code source})
     * @param callerParticipantId the caller's participant id ({@code incomingContext.sourceParticipantId})
     * @param transferor          who transferred the caller to this bot or user, or null
     */
    public record Inbound(ParticipantIdentity caller, String callerParticipantId, ParticipantIdentity transferor) {
    }
}
