package dev.switchboard.media;

import java.util.Map;

/**
 * A snapshot of the whole media engine's counters (the same numbers the Micrometer meters show).
 *
 * @param rooms          open rooms
 * @param legs           open legs
 * @param portsInUse     UDP ports held
 * @param packetsIn      datagrams received
 * @param packetsOut     RTP packets sent
 * @param packetsWithheld RTP packets not sent because the leg's peer had not yet sent valid RTP or RTCP (latching)
 * @param rtcpIn         valid RTCP packets received (read and ignored)
 * @param dropped        drops by reason, over all legs ever (every reason present)
 * @param ticks          room mixer ticks run
 * @param lateTicks      room mixer ticks that started more than {@link MixerThread#LATE_MILLIS} ms after their slot
 * @param mixedAfterMute frames mixed after their leg's mute had returned, over all legs (must stay zero)
 */
public record MediaStats(int rooms, int legs, int portsInUse, long packetsIn, long packetsOut,
                         long packetsWithheld, long rtcpIn,
                         Map<DropReason, Long> dropped, long ticks, long lateTicks, long mixedAfterMute) {

    public long dropped(DropReason reason) {
        return dropped.getOrDefault(reason, 0L);
    }
}
