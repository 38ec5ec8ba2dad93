package dev.switchboard.core;

/**
 * What a participant's join returns.
 *
 * @param participantId the roster id (kept when the same user joins again)
 * @param sdpAnswer     the media plane's SDP answer to the offer
 * @param participant   the roster entry after the join
 * @param replaced      true when the user was already in the call and this join replaced their leg
 */
public record JoinResult(String participantId, String sdpAnswer, ParticipantView participant, boolean replaced) {
}
