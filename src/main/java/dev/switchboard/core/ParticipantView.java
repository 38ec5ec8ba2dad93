package dev.switchboard.core;

/**
 * An immutable snapshot of one roster entry.
 *
 * @param id                   the participant id (the same in the Graph API, the client API and the roster stream)
 * @param identity             who it is
 * @param clientMuted          the participant's own mute
 * @param serverMuted          the server mute ({@code mediaStreams[audio].serverMuted})
 * @param inLobby              always false for now (no lobby)
 * @param sourceId             the audio stream's {@code sourceId}
 * @param rosterSequenceNumber the roster sequence number in which this entry last changed
 * @param removed              true only in the delta of a change that removed the participant
 * @param recordingStatus      what the participant (a bot) said with {@code updateRecordingStatus}, shown as its
 *                             {@code recordingInfo}; null when it never said
 * @param onHold               on hold with music ({@code startHoldMusic}): its audio {@code mediaStreams} entry shows
 *                             {@code direction: inactive} (it neither sends to the call nor hears it)
 */
public record ParticipantView(String id, ParticipantIdentity identity, boolean clientMuted, boolean serverMuted,
                              boolean inLobby, String sourceId, long rosterSequenceNumber, boolean removed,
                              RecordingStatus recordingStatus, boolean onHold) {

    /** An entry not on hold. */
    public ParticipantView(String id, ParticipantIdentity identity, boolean clientMuted, boolean serverMuted,
                           boolean inLobby, String sourceId, long rosterSequenceNumber, boolean removed,
                           RecordingStatus recordingStatus) {
        this(id, identity, clientMuted, serverMuted, inLobby, sourceId, rosterSequenceNumber, removed, recordingStatus,
                false);
    }

    /** An entry without a recording status. */
    public ParticipantView(String id, ParticipantIdentity identity, boolean clientMuted, boolean serverMuted,
                           boolean inLobby, String sourceId, long rosterSequenceNumber, boolean removed) {
        this(id, identity, clientMuted, serverMuted, inLobby, sourceId, rosterSequenceNumber, removed, null);
    }

    /** Graph's {@code isMuted}: client mute OR server mute. */
    public boolean isMuted() {
        return clientMuted || serverMuted;
    }
}
