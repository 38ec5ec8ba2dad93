package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.rtp.RtpPacket;
import dev.switchboard.testsupport.RtpPeer;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Mute and playout without sockets or threads: packets in, frames and drop counts out. */
class PlayoutTest {
    private final Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    private final DropSink sink = (r, n) -> drops.merge(r, n, Long::sum);
    private final Playout playout = new Playout(AudioCodec.PCMU, sink);
    private final MuteState mute = new MuteState(playout, () -> { }, sink);
    private final RtpPacket packet = new RtpPacket();

    private DropReason insert(int seq, double hz) {
        byte[] d = RtpPeer.rtp(0, seq, seq * 160, 7, RtpPeer.pcmuTone(hz, seq));
        packet.parse(d, d.length);
        return playout.insert(packet, d, mute);
    }

    private long dropped(DropReason r) {
        return drops.getOrDefault(r, 0L);
    }

    @Test
    void framesBufferedBeforeAServerMuteAreDiscardedCountedAndNeverPlayed() {
        for (int i = 0; i < 8; i++) {
            assertThat(insert(i, 440)).isNull();
        }
        mute.set(MuteState.Side.SERVER, true);
        assertThat(dropped(DropReason.SERVER_MUTED)).isEqualTo(8);
        for (int tick = 0; tick < 10; tick++) {
            assertThat(playout.pull(mute)).isFalse();
        }
        assertThat(insert(8, 440)).as("a packet after the mute").isEqualTo(DropReason.SERVER_MUTED);
    }

    @Test
    void clientMuteIsTheSameMechanismWithItsOwnReason() {
        insert(0, 440);
        insert(1, 440);
        mute.set(MuteState.Side.CLIENT, true);
        assertThat(dropped(DropReason.CLIENT_MUTED)).isEqualTo(2);
        assertThat(insert(2, 440)).isEqualTo(DropReason.CLIENT_MUTED);
        assertThat(mute.reason()).isEqualTo(DropReason.CLIENT_MUTED);
        mute.set(MuteState.Side.SERVER, true);
        assertThat(mute.reason()).as("server mute wins").isEqualTo(DropReason.SERVER_MUTED);
        mute.set(MuteState.Side.CLIENT, false);
        assertThat(mute.muted()).as("lifting one flag keeps the other").isTrue();
    }

    @Test
    void unmutingStartsAfreshAndPlaysWhatArrivesAfter() {
        mute.set(MuteState.Side.SERVER, true);
        mute.set(MuteState.Side.SERVER, false);
        assertThat(insert(100, 440)).isNull();
        assertThat(insert(101, 440)).isNull();
        assertThat(playout.pull(mute)).as("prefilled, audible").isTrue();
        assertThat(playout.pcm()).isNotEqualTo(new short[AudioCodec.MIX_FRAME]);
        assertThat(playout.contributing()).isTrue();
        playout.withdraw();
        assertThat(playout.contributing()).isFalse();
    }

    @Test
    void silenceDoesNotContributeAndDuplicatesAndLatePacketsAreRefused() {
        assertThat(insert(0, 0)).isNull();
        assertThat(insert(0, 0)).isEqualTo(DropReason.DUPLICATE);
        assertThat(insert(1, 0)).isNull();
        assertThat(playout.pull(mute)).as("a silent frame").isFalse();
        playout.pull(mute);
        assertThat(insert(0, 440)).as("a copy of a frame already played").isEqualTo(DropReason.DUPLICATE);
        assertThat(insert(65535, 440)).isEqualTo(DropReason.LATE);
    }
}
