package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;

/** The engine's checks, each failing with the {@link SwitchboardException} the API shows. Stateless. */
final class CallRules {
    static final int MAX_CLIENT_CONTEXT = 256;
    /** Operations one call may have running at once (queued prompts and recordings, DTMF sends, invitations). */
    static final int MAX_RUNNING_OPERATIONS = 100;

    private CallRules() {
    }

    /**
     * The bot's media and recording actions need the bot in the call: refused ({@code 409}) while its incoming call
     * still rings, so the caller hears nothing of the bot before the answer (docs/inbound-calls.md). Lock held.
     */
    static void requireAnswered(Call call) {
        if (call.state == CallState.INCOMING) {
            throw new SwitchboardException(ErrorCode.CONFLICT, "The call is still ringing (state incoming): answer it "
                    + "first; media, tone and recording actions need the bot in the call.");
        }
    }

    static SwitchboardException callNotFound(String callId) {
        return SwitchboardException.callNotFound(callId);
    }

    static Participant participantOf(Conference c, String participantId) {
        Participant p = participantId == null ? null : c.participants.get(participantId);
        if (p == null || p.leg == null) {
            throw SwitchboardException.notFound("Participant '" + participantId + "'");
        }
        return p;
    }

    static Participant ownParticipant(Conference c, String participantId, Caller user) {
        Participant p = participantOf(c, participantId);
        if (!p.isUser(user.userId())) {
            throw new SwitchboardException(ErrorCode.FORBIDDEN, "A participant can only act on itself.");
        }
        return p;
    }

    /** The one "is this user a participant of the call" check (the roster is for participants only). */
    static Participant requireParticipant(Conference c, Caller user) {
        Participant p = c.userParticipant(user.userId());
        if (p == null) {
            throw new SwitchboardException(ErrorCode.FORBIDDEN, "Only participants of the call may follow its roster.");
        }
        return p;
    }

    static void requireGroupCall(Conference c) {
        if (c.peerToPeer) {
            throw new SwitchboardException(ErrorCode.NOT_SUPPORTED_IN_P2P, "Mute, unmute, participant mute and invite are "
                    + "supported for group calls only; this is a peer-to-peer call.");
        }
    }

    static void requireUser(Caller p) {
        if (!p.isUser()) {
            throw new SwitchboardException(ErrorCode.FORBIDDEN, "Joining a call and acting as its participant needs a user token.");
        }
    }

    static String requireId(String id) {
        if (id == null || id.isBlank()) {
            throw SwitchboardException.badRequest("A participant id is required.");
        }
        return id;
    }

    static void checkClientContext(String clientContext) {
        if (clientContext != null && clientContext.length() > MAX_CLIENT_CONTEXT) {
            throw SwitchboardException.badRequest("clientContext must be at most " + MAX_CLIENT_CONTEXT + " characters, was "
                    + clientContext.length() + ".");
        }
    }
}
