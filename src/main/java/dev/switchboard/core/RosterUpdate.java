package dev.switchboard.core;

import java.util.List;

/**
 * One roster change (or, as the first message of a subscription, the current roster).
 *
 * @param callIds        every call id the call is known by (the bots' calls in it); a client addresses it by any
 * @param callChainId    the id shared by those calls
 * @param sequenceNumber the roster sequence number after the change; strictly increasing per call
 * @param roster         the whole roster after the change
 * @param changed        the entries that changed (removed ones flagged {@link ParticipantView#removed()})
 * @param ended          true when the call ended with this update (the roster is then empty)
 * @param endReason      why the call ended (with {@code ended}), or null
 * @param movedTo        with {@code ended}: the call its user moved to when another call replaced this one (a
 *                       consultative transfer, an invitation with {@code replacesCallId}); with
 *                       {@code movedParticipantId}: the call that participant went to (a transfer out of a group call);
 *                       else null
 * @param movedParticipantId the participant who left this call for {@code movedTo} while the call goes on, else null
 */
public record RosterUpdate(List<String> callIds, String callChainId, long sequenceNumber, List<ParticipantView> roster,
                           List<ParticipantView> changed, boolean ended, ResultInfo endReason, String movedTo,
                           String movedParticipantId) {
    public RosterUpdate {
        callIds = List.copyOf(callIds);
        roster = List.copyOf(roster);
        changed = List.copyOf(changed);
    }

    /** A change, or an end with a reason and no move. */
    public RosterUpdate(List<String> callIds, String callChainId, long sequenceNumber, List<ParticipantView> roster,
                        List<ParticipantView> changed, boolean ended, ResultInfo endReason) {
        this(callIds, callChainId, sequenceNumber, roster, changed, ended, endReason, null, null);
    }

    /** A change without an end reason. */
    public RosterUpdate(List<String> callIds, String callChainId, long sequenceNumber, List<ParticipantView> roster,
                        List<ParticipantView> changed, boolean ended) {
        this(callIds, callChainId, sequenceNumber, roster, changed, ended, null, null, null);
    }
}
