package dev.switchboard.media;

import java.util.Map;

/**
 * The leg of a bot with service-hosted media: no port, no peer, no audio in or out, but it is in the room and its
 * mute flags behave like any leg's (so muting the bot is an ordinary mute). Not mixed: the room keeps it apart from
 * its {@link RtpLeg}s.
 *
 * <p>Threads: any (see docs/concurrency.md); the mute flags are volatile.
 */
public final class ServerLeg implements MediaLeg {
    private final RtpRoom room;
    private final String participantId;
    private final MuteState mute = new MuteState(null, () -> { }, (reason, n) -> { });

    ServerLeg(RtpRoom room, String participantId) {
        this.room = room;
        this.participantId = participantId;
    }

    @Override
    public String participantId() {
        return participantId;
    }

    /** Always null: a server leg negotiates nothing. */
    @Override
    public String sdpAnswer() {
        return null;
    }

    @Override
    public void setServerMuted(boolean muted) {
        mute.set(MuteState.Side.SERVER, muted);
    }

    @Override
    public void setClientMuted(boolean muted) {
        mute.set(MuteState.Side.CLIENT, muted);
    }

    @Override
    public void close() {
        room.removeServerLeg(this);
    }

    /** Its counters: all zero, with the mute flags as they are now. */
    public LegStats stats() {
        Map<DropReason, Long> none = new java.util.EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            none.put(r, 0L);
        }
        return new LegStats(participantId, 0, null, 0, 0, 0, 0, 0, none, 0, 0,
                mute.get(MuteState.Side.SERVER), mute.get(MuteState.Side.CLIENT));
    }
}
