package dev.switchboard.media.webrtc;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** RTCP reports written and read byte for byte (RFC 3550 §6.1, §6.4, §6.5, A.1–A.3, A.8), no socket. */
class RtcpPacketsTest {
    private static final byte[] CNAME = RtcpWriter.cname("ab");

    private static RtcpReport senderWithBlock() {
        return new RtcpReport().sender(0x11223344L, 0xE000_0000_8000_0000L, 0x01020304L, 5, 800)
                .block(0xAABBCCDDL, 64, 3, 0x0001_0005L, 12, 0x12345678L, 0x0001_0000L);
    }

    @Test
    void aSenderReportWithOneBlockAndSdesCnameIsWrittenAsRfc3550Says() {
        byte[] buf = new byte[200];
        int n = RtcpWriter.write(senderWithBlock(), CNAME, buf);
        assertThat(Hex.hex(buf, 0, n)).isEqualTo(""
                + "81c8000c" + "11223344" + "e0000000" + "80000000" + "01020304" + "00000005" + "00000320"
                + "aabbccdd" + "40000003" + "00010005" + "0000000c" + "12345678" + "00010000"
                + "81ca0003" + "11223344" + "01026162" + "00000000");
        assertThat(n).isEqualTo(68).isLessThanOrEqualTo(RtcpWriter.maxLength(CNAME.length));
    }

    @Test
    void aReceiverReportWithoutBlockAndANegativeCumulativeLossEncode() {
        byte[] buf = new byte[200];
        int n = RtcpWriter.write(new RtcpReport().receiver(0x01020304L).noBlock(), RtcpWriter.cname("abc"), buf);
        assertThat(Hex.hex(buf, 0, n)).isEqualTo("80c90001" + "01020304" + "81ca0003" + "01020304" + "0103616263" + "000000");
        n = RtcpWriter.write(new RtcpReport().receiver(7).block(9, 0, -2, 100, 0, 0, 0), CNAME, buf);
        assertThat(Hex.hex(buf, 0, 20)).isEqualTo("81c90007" + "00000007" + "00000009" + "00fffffe" + "00000064");
        assertThat(n % 4).isZero();
    }

    @Test
    void aLongCnameIsClippedToWhatAnSdesItemHolds() {
        byte[] cname = RtcpWriter.cname("x".repeat(400));
        assertThat(cname).hasSize(255);
        byte[] buf = new byte[RtcpWriter.maxLength(cname.length)];
        int n = RtcpWriter.write(senderWithBlock(), cname, buf);
        assertThat(new RtcpReader().scan(buf, n)).isEqualTo(RtcpReader.OK);
        assertThat(buf[52 + 9] & 0xFF).isEqualTo(255);
        assertThat(RtcpWriter.cname("")).isEqualTo("switchboard".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void ntpTimestampsCountFrom1900WithA32BitFraction() {
        assertThat(RtcpReport.ntp(0, 0)).isEqualTo(2_208_988_800L << 32);
        assertThat(RtcpReport.ntp(1_500, 0)).isEqualTo((2_208_988_801L << 32) | 0x8000_0000L);
        assertThat(RtcpReport.ntp(250, 0) & 0xFFFF_FFFFL).isEqualTo(0x4000_0000L);
    }

    @Test
    void theReaderCountsReportsAndKeepsTheSendersNtpMiddle() {
        byte[] buf = new byte[200];
        int n = RtcpWriter.write(senderWithBlock(), CNAME, buf);
        RtcpReader reader = new RtcpReader();
        assertThat(reader.scan(buf, n)).isEqualTo(RtcpReader.OK);
        assertThat(reader.senderReports()).isEqualTo(1);
        assertThat(reader.receiverReports()).isZero();
        assertThat(reader.others()).isEqualTo(1);
        assertThat(reader.srSsrc()).isEqualTo(0x11223344L);
        assertThat(reader.srNtpMiddle()).isEqualTo(0x0000_8000L);

        n = RtcpWriter.write(new RtcpReport().receiver(1).block(2, 0, 0, 0, 0, 0, 0), CNAME, buf);
        assertThat(reader.scan(buf, n)).isEqualTo(RtcpReader.OK);
        assertThat(reader.receiverReports()).isEqualTo(1);
        assertThat(reader.senderReports()).isZero();
    }

    @Test
    void brokenPacketsGetAVerdictNeverAnException() {
        byte[] buf = new byte[200];
        int n = RtcpWriter.write(senderWithBlock(), CNAME, buf);
        RtcpReader reader = new RtcpReader();
        assertThat(reader.scan(buf, 3)).as("shorter than a header").isEqualTo(RtcpReader.BAD_LENGTH);
        assertThat(reader.scan(buf, n - 4)).as("truncated SDES").isEqualTo(RtcpReader.BAD_LENGTH);
        assertThat(reader.scan(buf, 30)).as("truncated SR").isEqualTo(RtcpReader.BAD_LENGTH);
        assertThat(reader.scan(buf, n + 2)).as("trailing bytes").isEqualTo(RtcpReader.BAD_LENGTH);
        assertThat(reader.scan(buf, 1000)).as("length beyond the buffer").isEqualTo(RtcpReader.BAD_LENGTH);
        assertThat(reader.scan(null, 0)).isEqualTo(RtcpReader.BAD_LENGTH);

        byte[] v1 = buf.clone();
        v1[0] = 0x41;
        assertThat(reader.scan(v1, n)).isEqualTo(RtcpReader.BAD_VERSION);
        byte[] v1second = buf.clone();
        v1second[52] = 0x41;
        assertThat(reader.scan(v1second, n)).isEqualTo(RtcpReader.BAD_VERSION);

        byte[] badLength = buf.clone();
        badLength[3] = 0x40; // 65 words, more than there is
        assertThat(reader.scan(badLength, n)).isEqualTo(RtcpReader.BAD_LENGTH);

        byte[] sdesFirst = Arrays.copyOfRange(buf, 52, n);
        assertThat(reader.scan(sdesFirst, sdesFirst.length)).isEqualTo(RtcpReader.BAD_FORMAT);

        byte[] tooManyBlocks = buf.clone();
        tooManyBlocks[0] = (byte) 0x82; // two blocks claimed, one present
        assertThat(reader.scan(tooManyBlocks, n)).isEqualTo(RtcpReader.BAD_FORMAT);

        byte[] paddedFirst = buf.clone();
        paddedFirst[0] = (byte) 0xA1;
        assertThat(reader.scan(paddedFirst, n)).isEqualTo(RtcpReader.BAD_FORMAT);

        Random random = new Random(14);
        byte[] noise = new byte[120];
        for (int i = 0; i < 20_000; i++) {
            random.nextBytes(noise);
            int len = random.nextInt(noise.length + 1);
            int verdict = reader.scan(noise, len);
            assertThat(verdict).isBetween(RtcpReader.BAD_FORMAT, RtcpReader.OK);
        }
    }

    @Test
    void receptionStatsCountLossAcrossTheSequenceWrapAndEchoTheLastSenderReport() {
        ReceptionStats stats = new ReceptionStats(48_000);
        byte[] rtp = new byte[60];
        rtp[0] = (byte) 0x80;
        Bytes.putInt(rtp, 8, 0xCAFE0001);
        long t0 = 1_000_000_000L;
        int received = 0;
        for (int i = 0; i < 10; i++) {
            int seq = (65530 + i) & 0xFFFF;
            if (i == 3 || i == 7) {
                continue; // two lost, one on each side of the wrap
            }
            Bytes.putShort(rtp, 2, seq);
            Bytes.putInt(rtp, 4, i * 960);
            stats.onRtp(rtp, rtp.length, t0 + i * 20_000_000L);
            received++;
        }
        assertThat(received).isEqualTo(8);
        stats.onSenderReport(0x1234_5678L, t0 + 200_000_000L);
        RtcpReport report = new RtcpReport().receiver(1);
        stats.fill(report, t0 + 1_200_000_000L);
        assertThat(report.block).isTrue();
        assertThat(report.sourceSsrc).isEqualTo(0xCAFE0001L);
        assertThat(report.extendedHighestSeq).isEqualTo(65536 + 3);
        assertThat(report.cumulativeLost).isEqualTo(2);
        assertThat(report.fractionLost).isEqualTo(2 * 256 / 10);
        assertThat(report.jitter).as("packets arrived exactly on their timestamps").isZero();
        assertThat(report.lastSr).isEqualTo(0x1234_5678L);
        assertThat(report.delaySinceLastSr).isEqualTo(65_536L);

        stats.fill(report, t0 + 2_000_000_000L);
        assertThat(report.fractionLost).as("nothing expected since the last report").isZero();
        assertThat(report.cumulativeLost).isEqualTo(2);
    }

    @Test
    void jitterFollowsRfc3550AppendixA8() {
        ReceptionStats stats = new ReceptionStats(8_000);
        byte[] rtp = new byte[20];
        rtp[0] = (byte) 0x80;
        Bytes.putInt(rtp, 8, 5);
        // every packet 20 ms of timestamps apart (160 units) but arriving alternately 10 ms early/late
        for (int i = 0; i < 200; i++) {
            Bytes.putShort(rtp, 2, i);
            Bytes.putInt(rtp, 4, i * 160);
            long arrival = 1_000_000_000L + i * 20_000_000L + (i % 2 == 0 ? 0 : 10_000_000L);
            stats.onRtp(rtp, rtp.length, arrival);
        }
        RtcpReport report = new RtcpReport().receiver(1);
        stats.fill(report, 10_000_000_000L);
        // |D| is 80 units each time; the estimate converges on 80
        assertThat(report.jitter).isBetween(75L, 80L);
        assertThat(report.cumulativeLost).isZero();
        assertThat(report.lastSr).isZero();
        assertThat(report.delaySinceLastSr).isZero();
    }
}
