package dev.switchboard.media;

import dev.switchboard.media.rtp.RtpPacket;
import dev.switchboard.testsupport.RtpPeer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The ingress filter without a socket or a thread: datagram and source in, verdict out. */
class IngressFilterTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000);
    private static final long T0 = 1_000_000_000L;
    private static final long FRAME = 20_000_000L;

    private final MuteState mute = new MuteState(null, () -> { }, (r, n) -> { });
    private final AtomicInteger latches = new AtomicInteger();
    private final RtpPacket packet = new RtpPacket();
    private IngressFilter filter = new IngressFilter(PEER.getAddress(), 0, true, mute, latches::incrementAndGet);
    private int seq;

    private DropReason admit(byte[] datagram, InetSocketAddress from, long now) {
        return filter.admit(datagram, datagram.length, from, packet, now);
    }

    private byte[] next() {
        return RtpPeer.rtp(0, seq++, seq * 160, 7, new byte[160]);
    }

    private static byte[] receiverReport() {
        return new byte[] {(byte) 0x80, (byte) 201, 0, 1, 1, 2, 3, 4};
    }

    @Test
    void validRtpFromTheOfferedAddressIsAcceptedAndLatchesOnce() {
        assertThat(admit(next(), PEER, T0)).isNull();
        assertThat(packet.kind()).isEqualTo(RtpPacket.Kind.RTP);
        assertThat(admit(next(), PEER, T0 + FRAME)).isNull();
        assertThat(latches).hasValue(1);
    }

    @Test
    void rtcpFromTheOfferedAddressIsAcceptedFromAnyPortAndLatches() {
        assertThat(admit(receiverReport(), new InetSocketAddress(PEER.getAddress(), 5001), T0)).isNull();
        assertThat(packet.kind()).isEqualTo(RtpPacket.Kind.RTCP);
        assertThat(latches).hasValue(1);
    }

    @Test
    void nothingFromAnotherAddressOrMalformedLatches() throws Exception {
        InetSocketAddress stranger = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 5000);
        assertThat(admit(next(), stranger, T0)).isEqualTo(DropReason.UNEXPECTED_SOURCE);
        assertThat(admit(receiverReport(), stranger, T0)).isEqualTo(DropReason.UNEXPECTED_SOURCE);
        assertThat(admit(new byte[] {(byte) 0x80, 0, 0}, PEER, T0)).isEqualTo(DropReason.MALFORMED);
        assertThat(admit(RtpPeer.rtp(96, 1, 0, 7, new byte[160]), PEER, T0)).as("payload type not negotiated")
                .isEqualTo(DropReason.MALFORMED);
        assertThat(latches).hasValue(0);
    }

    @Test
    void anotherPortIsRefusedWhileTheLatchedPortIsActiveAndTakesOverAfterSilence() {
        InetSocketAddress other = new InetSocketAddress(PEER.getAddress(), 6000);
        assertThat(admit(next(), PEER, T0)).isNull();
        byte[] anotherStream = RtpPeer.rtp(0, seq, seq * 160, 8, new byte[160]);
        assertThat(admit(anotherStream, other, T0 + FRAME)).isEqualTo(DropReason.UNEXPECTED_SOURCE);
        assertThat(admit(anotherStream, other, T0 + IngressFilter.RELATCH_NANOS)).as("after silence").isNull();
        assertThat(admit(next(), PEER, T0 + IngressFilter.RELATCH_NANOS + FRAME)).isEqualTo(DropReason.UNEXPECTED_SOURCE);
    }

    @Test
    void theLatchedStreamContinuingFromAnotherPortTakesItOverAtOnce() {
        InetSocketAddress rebound = new InetSocketAddress(PEER.getAddress(), 6000);
        for (int i = 0; i < 5; i++) {
            assertThat(admit(next(), PEER, T0 + i * FRAME)).isNull();
        }
        byte[] stale = RtpPeer.rtp(0, seq - 2, 0, 7, new byte[160]);
        seq += 3; // three packets lost in the rebinding
        assertThat(admit(next(), rebound, T0 + 5 * FRAME)).as("a NAT rebinding: the same stream, its next numbers").isNull();
        assertThat(admit(next(), rebound, T0 + 6 * FRAME)).isNull();
        assertThat(admit(stale, PEER, T0 + 6 * FRAME)).as("a late packet from the old port").isEqualTo(DropReason.UNEXPECTED_SOURCE);
        byte[] farAhead = RtpPeer.rtp(0, seq + IngressFilter.REBIND_GAP + 1, 0, 7, new byte[160]);
        assertThat(admit(farAhead, PEER, T0 + 7 * FRAME)).as("not numbers that continue the stream").isEqualTo(DropReason.UNEXPECTED_SOURCE);
        byte[] otherSsrc = RtpPeer.rtp(0, seq, 0, 9, new byte[160]);
        assertThat(admit(otherSsrc, PEER, T0 + 7 * FRAME)).isEqualTo(DropReason.UNEXPECTED_SOURCE);
    }

    @Test
    void mutedLegsDropWithTheirReasonServerFirst() {
        mute.set(MuteState.Side.CLIENT, true);
        assertThat(admit(next(), PEER, T0)).isEqualTo(DropReason.CLIENT_MUTED);
        mute.set(MuteState.Side.SERVER, true);
        assertThat(admit(next(), PEER, T0 + FRAME)).isEqualTo(DropReason.SERVER_MUTED);
        mute.set(MuteState.Side.SERVER, false);
        mute.set(MuteState.Side.CLIENT, false);
        assertThat(admit(next(), PEER, T0 + 2 * FRAME)).isNull();
        assertThat(latches).as("a muted peer still proves its address").hasValue(1);
    }

    @Test
    void aPeerWhoseOfferSaysItDoesNotSendIsCountedAsClientMuted() {
        filter = new IngressFilter(PEER.getAddress(), 0, false, mute, latches::incrementAndGet);
        assertThat(admit(next(), PEER, T0)).isEqualTo(DropReason.CLIENT_MUTED);
    }

    @Test
    void aFloodSpendsOnlyItsOwnBudget() {
        IngressFilter talker = new IngressFilter(PEER.getAddress(), 0, true, mute, () -> { });
        RtpPacket talkerPacket = new RtpPacket();
        int admitted = 0;
        int dropped = 0;
        int talkerAdmitted = 0;
        for (int ms = 0; ms < 1000; ms++) {
            long now = T0 + ms * 1_000_000L;
            for (int i = 0; i < 100; i++) { // 100,000 packets a second
                if (admit(next(), PEER, now) == null) {
                    admitted++;
                } else {
                    dropped++;
                }
            }
            if (ms % 20 == 0) {
                byte[] d = RtpPeer.rtp(0, ms / 20, ms * 8, 9, new byte[160]);
                if (talker.admit(d, d.length, PEER, talkerPacket, now) == null) {
                    talkerAdmitted++;
                }
            }
        }
        assertThat(talkerAdmitted).as("every 20 ms packet of the other leg").isEqualTo(50);
        assertThat(admitted).as("the flooder gets its burst and its rate").isBetween(RateBudget.PACKET_BURST + RateBudget.PACKETS_PER_SECOND - 2,
                RateBudget.PACKET_BURST + RateBudget.PACKETS_PER_SECOND + 2);
        assertThat(dropped).isEqualTo(100_000 - admitted);
    }

    @Test
    void aSteadyVoiceStreamIsNeverOverBudget() {
        for (int i = 0; i < 5000; i++) {
            assertThat(admit(next(), PEER, T0 + i * FRAME)).as("packet %d", i).isNull();
        }
    }
}
