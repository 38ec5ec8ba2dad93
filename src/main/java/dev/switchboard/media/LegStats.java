package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;

import java.util.Map;

/**
 * A snapshot of one leg's counters.
 *
 * @param participantId        the participant
 * @param localPort            the leg's UDP port, 0 for a server-side leg
 * @param codec                the negotiated codec, null for a server-side leg
 * @param packetsIn            datagrams received on the leg's port (all of them, dropped or not)
 * @param packetsOut           RTP packets sent to the peer
 * @param packetsWithheld      RTP packets not sent because the peer's address had not yet sent valid RTP or RTCP
 * @param framesMixed          frames of this leg that went into the room's mix
 * @param framesConcealed      lost frames replaced by concealment
 * @param dropped              drops by reason (every reason present, zero if none)
 * @param mixedAfterServerMute frames of this leg mixed after a {@code setServerMuted(true)} had returned
 *                             (the leak check: must stay zero)
 * @param mixedAfterClientMute the same for {@code setClientMuted(true)}
 * @param serverMuted          the server-mute flag now
 * @param clientMuted          the client-mute flag now
 */
public record LegStats(String participantId, int localPort, AudioCodec codec, long packetsIn, long packetsOut,
                       long packetsWithheld,
                       long framesMixed, long framesConcealed, Map<DropReason, Long> dropped,
                       long mixedAfterServerMute, long mixedAfterClientMute, boolean serverMuted, boolean clientMuted) {

    public long dropped(DropReason reason) {
        return dropped.getOrDefault(reason, 0L);
    }
}
