package dev.switchboard.core;

import dev.switchboard.media.MediaLeg;

/**
 * One roster entry with its media leg. Mutable; every field is guarded by its {@link Conference}'s lock.
 */
final class Participant {
    final String id;
    final ParticipantIdentity identity;
    final String sourceId;
    /** The bot call this participant is the bot of, or null for a user. */
    final Call botCall;
    MediaLeg leg;
    boolean clientMuted;
    boolean serverMuted;
    long rosterSequenceNumber;
    /** Set by the bot's {@code updateRecordingStatus}; null until then. */
    RecordingStatus recordingStatus;
    /** On hold with music (startHoldMusic until stopHoldMusic). */
    boolean onHold;
    /** Invited with {@code removeFromDefaultAudioRoutingGroup}: heard and hearing only through audio routing groups. */
    boolean outsideDefaultAudio;
    /** The last {@link #view()}, reused while the fields above match it. */
    private ParticipantView view;

    Participant(String id, ParticipantIdentity identity, String sourceId, Call botCall, MediaLeg leg) {
        this.id = id;
        this.identity = identity;
        this.sourceId = sourceId;
        this.botCall = botCall;
        this.leg = leg;
    }

    boolean isUser(String userId) {
        return identity.kind() == ParticipantIdentity.Kind.USER && identity.id().equals(userId);
    }

    /**
     * This entry now. The same instance as long as nothing in it changed: a roster change of a room of 400 snapshots
     * every entry under the conference lock, and the roster render's cache then finds an unchanged entry by identity
     * (issue 17).
     */
    ParticipantView view() {
        ParticipantView v = view;
        if (v == null || v.clientMuted() != clientMuted || v.serverMuted() != serverMuted
                || v.rosterSequenceNumber() != rosterSequenceNumber || v.recordingStatus() != recordingStatus
                || v.onHold() != onHold) {
            v = new ParticipantView(id, identity, clientMuted, serverMuted, false, sourceId, rosterSequenceNumber, false,
                    recordingStatus, onHold);
            view = v;
        }
        return v;
    }

    ParticipantView removedView(long sequence) {
        return new ParticipantView(id, identity, clientMuted, serverMuted, false, sourceId, sequence, true, recordingStatus,
                onHold);
    }
}
