package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;

/**
 * Who a transfer out of a group call moves: Graph's {@code transferee} (a participantInfo), by its
 * {@code participantId}, its user ({@code identity.user.id}), or both (they must agree).
 *
 * @param participantId the participant's id in the call, or null
 * @param userId        the participant's user id, or null
 */
public record Transferee(String participantId, String userId) {
    public Transferee {
        if (participantId == null && userId == null) {
            throw new IllegalArgumentException("a transferee needs a participant id or a user id");
        }
    }

    /**
     * The participant of {@code c} this names: a user with media connected. Lock held.
     *
     * @throws SwitchboardException ITEM_NOT_FOUND (nobody by that id or user), BAD_REQUEST (a bot; the id and the user
     *                              name two participants), CONFLICT (no media connected)
     */
    Participant find(Conference c) {
        Participant p;
        if (participantId != null) {
            p = c.participants.get(participantId);
            if (p == null) {
                throw SwitchboardException.notFound("Participant '" + participantId + "' (transferee.participantId)");
            }
            if (userId != null && !p.isUser(userId)) {
                throw SwitchboardException.badRequest("'transferee.participantId' and 'transferee.identity.user.id' name "
                        + "two different participants.");
            }
        } else {
            p = c.userParticipant(userId);
            if (p == null) {
                throw SwitchboardException.notFound("User '" + userId + "' in this call (transferee.identity.user.id)");
            }
        }
        if (p.botCall != null) {
            throw SwitchboardException.badRequest("The transferee must be a user; participant '" + p.id + "' is a bot.");
        }
        if (p.leg == null) {
            throw new SwitchboardException(ErrorCode.CONFLICT, "The transferee, participant '" + p.id + "', has no media "
                    + "connected.");
        }
        return p;
    }
}
