package dev.switchboard.media.rtp;

import dev.switchboard.testsupport.RtpPeer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RtpPacketTest {
    private final RtpPacket p = new RtpPacket();

    @Test
    void parsesAPlainPacket() {
        byte[] d = RtpPeer.rtp(0, 65535, 0xFFFFFF00, 0xCAFEBABE, new byte[160]);
        d[1] |= (byte) 0x80;
        assertThat(p.parse(d, d.length)).isEqualTo(RtpPacket.Kind.RTP);
        assertThat(p.payloadType()).isZero();
        assertThat(p.marker()).isTrue();
        assertThat(p.sequence()).isEqualTo(65535);
        assertThat(p.timestamp()).isEqualTo(0xFFFFFF00);
        assertThat(p.ssrc()).isEqualTo(0xCAFEBABE);
        assertThat(p.payloadOffset()).isEqualTo(12);
        assertThat(p.payloadLength()).isEqualTo(160);
    }

    @Test
    void skipsCsrcsAndExtensionAndStripsPadding() {
        byte[] d = new byte[12 + 8 + 8 + 10 + 4];
        d[0] = (byte) (0x80 | 0x20 | 0x10 | 2);
        d[1] = 8;
        d[12 + 8 + 3] = 1; // one extension word
        d[d.length - 1] = 4;
        assertThat(p.parse(d, d.length)).isEqualTo(RtpPacket.Kind.RTP);
        assertThat(p.payloadOffset()).isEqualTo(28);
        assertThat(p.payloadLength()).isEqualTo(10);
    }

    @Test
    void rejectsEveryKindOfLie() {
        byte[] ok = RtpPeer.rtp(0, 1, 0, 1, new byte[20]);
        assertThat(p.parse(ok, 11)).as("truncated header").isEqualTo(RtpPacket.Kind.MALFORMED);
        assertThat(p.parse(ok, 12)).as("no payload").isEqualTo(RtpPacket.Kind.MALFORMED);
        assertThat(p.parse(set(ok, 0, 0x40), ok.length)).as("version 1").isEqualTo(RtpPacket.Kind.MALFORMED);
        assertThat(p.parse(set(ok, 0, 0xC0), ok.length)).as("version 3").isEqualTo(RtpPacket.Kind.MALFORMED);
        assertThat(p.parse(set(ok, 0, 0x8F), ok.length)).as("15 CSRCs in 20 bytes").isEqualTo(RtpPacket.Kind.MALFORMED);
        assertThat(p.parse(set(ok, 0, 0x85), ok.length)).as("5 CSRCs fill it, no payload").isEqualTo(RtpPacket.Kind.MALFORMED);
        byte[] ext = set(set(ok, 0, 0x90), 14, 0x01);
        assertThat(p.parse(ext, ext.length)).as("extension of 256 words").isEqualTo(RtpPacket.Kind.MALFORMED);
        assertThat(p.parse(set(ok, 0, 0x90), 15)).as("extension header cut").isEqualTo(RtpPacket.Kind.MALFORMED);
        byte[] pad = set(set(ok, 0, 0xA0), ok.length - 1, 21);
        assertThat(p.parse(pad, pad.length)).as("padding beyond the payload").isEqualTo(RtpPacket.Kind.MALFORMED);
        byte[] pad0 = set(set(ok, 0, 0xA0), ok.length - 1, 0);
        assertThat(p.parse(pad0, pad0.length)).as("padding count 0").isEqualTo(RtpPacket.Kind.MALFORMED);
        byte[] padAll = set(set(ok, 0, 0xA0), ok.length - 1, 20);
        assertThat(p.parse(padAll, padAll.length)).as("all padding").isEqualTo(RtpPacket.Kind.MALFORMED);
        assertThat(p.parse(ok, ok.length + 5)).as("length beyond the buffer").isEqualTo(RtpPacket.Kind.MALFORMED);
    }

    @Test
    void recognisesRtcpAndRejectsRtcpWithAWrongLength() {
        byte[] rr = {(byte) 0x80, (byte) 201, 0, 1, 0, 0, 0, 1};
        byte[] sr = new byte[28];
        sr[0] = (byte) 0x80;
        sr[1] = (byte) 200;
        sr[3] = 6;
        byte[] compound = new byte[36];
        System.arraycopy(sr, 0, compound, 0, 28);
        System.arraycopy(rr, 0, compound, 28, 8);
        byte[] twelve = new byte[12];
        System.arraycopy(rr, 0, twelve, 0, 8);
        assertThat(p.parse(twelve, 12)).as("RR + 4 stray bytes").isEqualTo(RtpPacket.Kind.MALFORMED);
        assertThat(p.parse(rr, 8)).as("an empty receiver report, as a listening peer sends").isEqualTo(RtpPacket.Kind.RTCP);
        assertThat(p.kind()).isEqualTo(RtpPacket.Kind.RTCP);
        assertThat(p.parse(new byte[] {(byte) 0x80, 0, 0, 1, 0, 0, 0, 1}, 8)).as("8 bytes of RTP").isEqualTo(RtpPacket.Kind.MALFORMED);
        assertThat(p.parse(sr, 28)).isEqualTo(RtpPacket.Kind.RTCP);
        assertThat(p.parse(compound, 36)).isEqualTo(RtpPacket.Kind.RTCP);
        byte[] lying = compound.clone();
        lying[3] = 40;
        assertThat(p.parse(lying, 36)).isEqualTo(RtpPacket.Kind.MALFORMED);
    }

    @Test
    void randomBytesNeverThrow() {
        Random r = new Random(7);
        byte[] buf = new byte[1500];
        for (int i = 0; i < 200_000; i++) {
            int n = r.nextInt(buf.length + 1);
            r.nextBytes(buf);
            if (r.nextBoolean()) {
                buf[0] = (byte) (0x80 | (buf[0] & 0x3F));
            }
            RtpPacket.Kind k = p.parse(buf, n);
            if (k == RtpPacket.Kind.RTP) {
                assertThat(p.payloadOffset() + p.payloadLength()).isLessThanOrEqualTo(n);
                assertThat(p.payloadLength()).isPositive();
            }
        }
    }

    private static byte[] set(byte[] d, int i, int v) {
        byte[] c = d.clone();
        c[i] = (byte) v;
        return c;
    }
}
