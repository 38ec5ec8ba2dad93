package dev.switchboard.media.webrtc;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A leg's RTCP through its transport: reports out as SRTCP, the browser's reports in, broken ones counted. */
class RtcpTransportTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DtlsCertificate CERT = DtlsCertificate.generate("switchboard", Duration.ofDays(1), RANDOM);
    private static final InetSocketAddress BROWSER = new InetSocketAddress("192.0.2.7", 50000);
    private static final SrtpMasterKeys BROWSER_KEYS = new SrtpMasterKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, new byte[16], new byte[14]);
    private static final SrtpMasterKeys SERVER_KEYS = new SrtpMasterKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, filled(16, 1), filled(14, 2));
    private static final long SERVER_SSRC = 0x5357_4254L;
    private static final long BROWSER_SSRC = 0x0BAD_CAFEL;
    private static final long SECOND = 1_000_000_000L;

    private final WebRtcCounters counters = new WebRtcCounters();
    private final WebRtcDemux demux = new WebRtcDemux(counters);
    private final List<byte[]> sent = new ArrayList<>();
    private final List<byte[]> rtcpDelivered = new ArrayList<>();
    private WebRtcTransport leg;

    @BeforeEach
    void setUp() throws Exception {
        PacketSink sink = (ByteBuffer b, InetSocketAddress to) -> {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            sent.add(copy);
        };
        MediaSink media = new MediaSink() {
            @Override
            public void onRtp(byte[] buf, int length, long nowNanos) {
            }

            @Override
            public void onRtcp(byte[] buf, int length, long nowNanos) {
                rtcpDelivered.add(Arrays.copyOf(buf, length));
            }
        };
        leg = new WebRtcTransport(new IceCredentials("srvufrag", "server-password-0123456789"), "brw1",
                CERT.fingerprint(), CERT, ConsentPolicy.DEFAULT, counters, sink, media, RANDOM, "t", 0);
        leg.enableReports(SERVER_SSRC, 48_000, "switchboard-t");
        demux.register(leg);
        byte[] check = IceLiteResponderTest.check("srvufrag:brw1", "server-password-0123456789", true);
        demux.onDatagram(check, check.length, BROWSER, 1);
        leg.installKeys(BROWSER_KEYS, SERVER_KEYS);
        sent.clear();
    }

    @Test
    void nothingToReportBeforeAnyRtpThenASenderReportWithABlockForTheBrowsersStream() {
        assertThat(leg.reportIfDue(SECOND, 1_700_000_000_000L)).isFalse();
        SrtpContext browser = SrtpContext.create(BROWSER_KEYS);
        for (int seq = 100; seq < 150; seq++) {
            byte[] p = srtp(browser, rtp(seq, seq * 960L, BROWSER_SSRC, 40), 52);
            demux.onDatagram(p, p.length, BROWSER, SECOND + seq * 20_000_000L);
        }
        byte[] sr = srtcp(browser, new RtcpReport().sender(BROWSER_SSRC, 0x1111_2222_3333_4444L, 0, 50, 2000).noBlock());
        demux.onDatagram(sr, sr.length, BROWSER, 4 * SECOND);
        assertThat(counters.rtcpSenderReports()).isEqualTo(1);
        assertThat(rtcpDelivered).hasSize(1);

        for (int seq = 0; seq < 25; seq++) {
            assertThat(leg.sendRtp(rtp(seq, 7000 + seq * 960L, SERVER_SSRC, 80), 92, 4 * SECOND + seq * 20_000_000L)).isTrue();
        }
        sent.clear();
        long now = 4 * SECOND + 500_000_000L;
        assertThat(leg.reportIfDue(now, 1_700_000_000_250L)).isTrue();
        assertThat(sent).hasSize(1);
        byte[] got = sent.get(0);
        SrtpContext server = SrtpContext.create(SERVER_KEYS);
        int n = server.unprotectRtcp(got, got.length);
        assertThat(n).isPositive();
        RtcpReader reader = new RtcpReader();
        assertThat(reader.scan(got, n)).isEqualTo(RtcpReader.OK);
        assertThat(reader.senderReports()).isEqualTo(1);
        assertThat(Bytes.getInt(got, 0) >>> 16).isEqualTo(0x81C8); // SR, one block
        assertThat(Bytes.getInt(got, 4) & 0xFFFF_FFFFL).isEqualTo(SERVER_SSRC);
        assertThat(((long) Bytes.getInt(got, 8) & 0xFFFF_FFFFL) - 2_208_988_800L).isEqualTo(1_700_000_000L);
        assertThat(Bytes.getInt(got, 12) & 0xFFFF_FFFFL).isEqualTo(0x4000_0000L);
        // the last packet (seq 24) left at 4.48 s with timestamp 7000 + 24*960; 20 ms later is 960 more
        assertThat(Bytes.getInt(got, 16)).isEqualTo(7000 + 25 * 960);
        assertThat(Bytes.getInt(got, 20)).as("packets").isEqualTo(25);
        assertThat(Bytes.getInt(got, 24)).as("payload octets").isEqualTo(25 * 80);
        assertThat(Bytes.getInt(got, 28) & 0xFFFF_FFFFL).isEqualTo(BROWSER_SSRC);
        assertThat(Bytes.getInt(got, 32)).as("nothing lost").isZero();
        assertThat(Bytes.getInt(got, 36)).as("extended highest seq").isEqualTo(149);
        assertThat(Bytes.getInt(got, 44) & 0xFFFF_FFFFL).as("LSR").isEqualTo(0x2222_3333L);
        assertThat(Bytes.getInt(got, 48)).as("DLSR: 0.5 s in 1/65536 s").isEqualTo(32_768);
        assertThat(got[53] & 0xFF).isEqualTo(RtcpWriter.SDES);

        assertThat(leg.reportIfDue(now + 1_000_000_000L, 0)).as("the next one waits at least 1.25 s").isFalse();
        assertThat(leg.reportIfDue(now + 3_760_000_000L, 0)).as("and at most 3.75 s").isTrue();
        assertThat(counters.rtcpReportsSent()).isEqualTo(2);
    }

    @Test
    void aLegThatOnlyReceivesSendsAReceiverReportUnderItsOwnSsrc() {
        SrtpContext browser = SrtpContext.create(BROWSER_KEYS);
        byte[] p = srtp(browser, rtp(1, 960, BROWSER_SSRC, 40), 52);
        demux.onDatagram(p, p.length, BROWSER, SECOND);
        assertThat(leg.reportIfDue(2 * SECOND, 0)).isTrue();
        byte[] got = sent.get(0);
        int n = SrtpContext.create(SERVER_KEYS).unprotectRtcp(got, got.length);
        assertThat(Bytes.getInt(got, 0) >>> 16).isEqualTo(0x81C9);
        assertThat(Bytes.getInt(got, 4) & 0xFFFF_FFFFL).isEqualTo(SERVER_SSRC);
        RtcpReader reader = new RtcpReader();
        assertThat(reader.scan(got, n)).isEqualTo(RtcpReader.OK);
        assertThat(reader.receiverReports()).isEqualTo(1);
    }

    @Test
    void malformedRtcpInsideValidSrtcpIsDroppedAndCountedNotPassedOn() {
        SrtpContext browser = SrtpContext.create(BROWSER_KEYS);
        byte[][] broken = {
                {(byte) 0x80, (byte) 201, 0, 5, 0x0B, (byte) 0xAD, (byte) 0xCA, (byte) 0xFE},  // length beyond the packet
                {(byte) 0x80, (byte) 202, 0, 1, 0x0B, (byte) 0xAD, (byte) 0xCA, (byte) 0xFE},  // SDES first
                {(byte) 0x81, (byte) 200, 0, 1, 0x0B, (byte) 0xAD, (byte) 0xCA, (byte) 0xFE},  // SR without its sender info
        };
        for (byte[] rtcp : broken) {
            byte[] p = Arrays.copyOf(rtcp, 100);
            int n = browser.protectRtcp(p, rtcp.length);
            demux.onDatagram(p, n, BROWSER, SECOND);
        }
        assertThat(counters.dropped(WebRtcDropReason.RTCP_MALFORMED)).isEqualTo(3);
        assertThat(rtcpDelivered).isEmpty();
        byte[] rr = srtcp(browser, new RtcpReport().receiver(BROWSER_SSRC).block(SERVER_SSRC, 0, 0, 9, 0, 0, 0));
        demux.onDatagram(rr, rr.length, BROWSER, SECOND);
        assertThat(counters.rtcpReceiverReports()).isEqualTo(1);
        assertThat(rtcpDelivered).hasSize(1);

        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        WebRtcMeters.bind(registry, counters);
        assertThat(registry.get("switchboard.media.dropped.packets").tag("reason", "rtcp_malformed").functionCounter().count()).isEqualTo(3);
        assertThat(registry.get("switchboard.webrtc.rtcp.received").tag("type", "rr").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("switchboard.webrtc.rtcp.sent").functionCounter().count()).isZero();
    }

    @Test
    void theIncomingRtcpPathAllocatesNothingOfItsOwn() {
        SrtpContext browser = SrtpContext.create(BROWSER_KEYS);
        int count = 4000;
        byte[][] packets = new byte[count][];
        for (int i = 0; i < count; i++) {
            packets[i] = srtcp(browser, new RtcpReport().receiver(BROWSER_SSRC).block(SERVER_SSRC, 0, 0, i, 0, 0, 0));
        }
        rtcpDelivered.clear();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < count / 2; i++) {
            demux.onDatagram(packets[i], packets[i].length, BROWSER, SECOND);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = count / 2; i < count; i++) {
            demux.onDatagram(packets[i], packets[i].length, BROWSER, SECOND);
        }
        long perPacket = (mx.getCurrentThreadAllocatedBytes() - before) / (count / 2);
        System.out.println("srtcp receive path: " + perPacket + " bytes allocated per packet (incl. the test's copy)");
        assertThat(counters.rtcpReceiverReports()).isEqualTo(count);
        // the test's own MediaSink copies each packet (~90 B); the Mac's result is ~40 B
        assertThat(perPacket).isLessThan(250);
    }

    private static byte[] rtp(int seq, long timestamp, long ssrc, int payload) {
        byte[] b = new byte[12 + payload];
        b[0] = (byte) 0x80;
        b[1] = 111;
        Bytes.putShort(b, 2, seq);
        Bytes.putInt(b, 4, (int) timestamp);
        Bytes.putInt(b, 8, (int) ssrc);
        return b;
    }

    private static byte[] srtp(SrtpContext sender, byte[] rtp, int length) {
        byte[] b = Arrays.copyOf(rtp, length + 40);
        return Arrays.copyOf(b, sender.protectRtp(b, length));
    }

    private static byte[] srtcp(SrtpContext sender, RtcpReport report) {
        byte[] b = new byte[200];
        int n = RtcpWriter.write(report, RtcpWriter.cname("browser"), b);
        return Arrays.copyOf(b, sender.protectRtcp(b, n));
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }
}
