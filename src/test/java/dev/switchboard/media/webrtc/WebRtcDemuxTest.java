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

/** The single-port demultiplexer and a leg's transport, datagrams in, verdicts and sends out, no socket. */
class WebRtcDemuxTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DtlsCertificate CERT = DtlsCertificate.generate("switchboard", Duration.ofDays(1), RANDOM);
    private static final InetSocketAddress BROWSER = new InetSocketAddress("192.0.2.7", 50000);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("192.0.2.66", 50000);
    private static final SrtpMasterKeys BROWSER_KEYS = new SrtpMasterKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, new byte[16], new byte[14]);
    private static final SrtpMasterKeys SERVER_KEYS = new SrtpMasterKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, filled(16, 1), filled(14, 2));

    private final WebRtcCounters counters = new WebRtcCounters();
    private final WebRtcDemux demux = new WebRtcDemux(counters);
    private final List<Sent> sent = new ArrayList<>();
    private final List<byte[]> delivered = new ArrayList<>();
    private boolean record = true;
    private long deliveredCount;
    private WebRtcTransport leg;

    record Sent(byte[] data, InetSocketAddress to) {
    }

    @BeforeEach
    void setUp() {
        PacketSink sink = (ByteBuffer b, InetSocketAddress to) -> {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            sent.add(new Sent(copy, to));
        };
        MediaSink media = new MediaSink() {
            @Override
            public void onRtp(byte[] buf, int length, long nowNanos) {
                deliveredCount++;
                if (record) {
                    delivered.add(Arrays.copyOf(buf, length));
                }
            }

            @Override
            public void onRtcp(byte[] buf, int length, long nowNanos) {
                delivered.add(Arrays.copyOf(buf, length));
            }
        };
        leg = new WebRtcTransport(new IceCredentials("srvufrag", "server-password-0123456789"), "brw1",
                CERT.fingerprint(), CERT, ConsentPolicy.DEFAULT, counters, sink, media, RANDOM, "t", 0);
        demux.register(leg);
    }

    @Test
    void aValidCheckIsAnsweredToItsSourceAndOpensTheAddress() throws Exception {
        byte[] check = IceLiteResponderTest.check("srvufrag:brw1", "server-password-0123456789", true);
        demux.onDatagram(check, check.length, BROWSER, 1);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).to()).isEqualTo(BROWSER);
        assertThat(leg.remote(1)).isEqualTo(BROWSER);
        assertThat(counters.stunAnswered()).isEqualTo(1);
    }

    @Test
    void aCheckWithTheWrongPasswordIsIgnoredAndCounted() throws Exception {
        byte[] check = IceLiteResponderTest.check("srvufrag:brw1", "a-guessed-password-0123", true);
        demux.onDatagram(check, check.length, BROWSER, 1);
        assertThat(sent).isEmpty();
        assertThat(counters.dropped(WebRtcDropReason.STUN_UNAUTHENTICATED)).isEqualTo(1);
        leg.installKeys(BROWSER_KEYS, SERVER_KEYS);
        assertThat(leg.sendRtp(rtp(1), 52, 2)).as("nothing goes to an unchecked address").isFalse();
        assertThat(sent).isEmpty();
        byte[] srtp = srtp(SrtpContext.create(BROWSER_KEYS), 1);
        demux.onDatagram(srtp, srtp.length, BROWSER, 2);
        assertThat(delivered).isEmpty();
        assertThat(counters.dropped(WebRtcDropReason.UNKNOWN_SOURCE)).isEqualTo(1);
    }

    @Test
    void unknownUfragsUnknownProtocolsAndStrangersAreCounted() throws Exception {
        byte[] check = IceLiteResponderTest.check("nobody:brw1", "server-password-0123456789", true);
        demux.onDatagram(check, check.length, BROWSER, 1);
        demux.onDatagram(new byte[] {70, 1, 2}, 3, BROWSER, 1);
        byte[] dtls = {22, (byte) 0xFE, (byte) 0xFD, 0, 0};
        demux.onDatagram(dtls, dtls.length, STRANGER, 1);
        assertThat(counters.dropped(WebRtcDropReason.UNKNOWN_UFRAG)).isEqualTo(1);
        assertThat(counters.dropped(WebRtcDropReason.UNKNOWN_PROTOCOL)).isEqualTo(1);
        assertThat(counters.dropped(WebRtcDropReason.UNKNOWN_SOURCE)).isEqualTo(1);
        assertThat(sent).isEmpty();
    }

    @Test
    void srtpFromTheCheckedAddressIsDecryptedBadTagsAndReplaysAreDropped() throws Exception {
        check();
        byte[] early = srtp(SrtpContext.create(BROWSER_KEYS), 1);
        demux.onDatagram(early, early.length, BROWSER, 2);
        assertThat(counters.dropped(WebRtcDropReason.SRTP_NO_KEYS)).isEqualTo(1);

        leg.installKeys(BROWSER_KEYS, SERVER_KEYS);
        SrtpContext browser = SrtpContext.create(BROWSER_KEYS);
        byte[] p = srtp(browser, 7);
        byte[] replay = p.clone();
        byte[] forged = srtp(browser, 8);
        forged[20] ^= 1;
        demux.onDatagram(p, p.length, BROWSER, 3);
        demux.onDatagram(replay, replay.length, BROWSER, 3);
        demux.onDatagram(forged, forged.length, BROWSER, 3);
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0)).isEqualTo(rtp(7));
        assertThat(counters.dropped(WebRtcDropReason.SRTP_REPLAY)).isEqualTo(1);
        assertThat(counters.dropped(WebRtcDropReason.SRTP_AUTH_FAILED)).isEqualTo(1);
    }

    @Test
    void sentRtpIsProtectedForTheNominatedAddressUntilConsentLapses() throws Exception {
        check();
        leg.installKeys(BROWSER_KEYS, SERVER_KEYS);
        sent.clear();
        assertThat(leg.sendRtp(rtp(3), 52, 2)).isTrue();
        assertThat(sent.get(0).to()).isEqualTo(BROWSER);
        byte[] got = sent.get(0).data();
        assertThat(SrtpContext.create(SERVER_KEYS).unprotectRtp(got, got.length)).isEqualTo(52);
        assertThat(Arrays.copyOf(got, 52)).isEqualTo(rtp(3));

        long lapsed = 1 + Duration.ofSeconds(31).toNanos();
        assertThat(leg.sendRtp(rtp(4), 52, lapsed)).isFalse();
        assertThat(counters.dropped(WebRtcDropReason.CONSENT_LAPSED)).isEqualTo(1);
        assertThat(leg.isFinished(lapsed)).isFalse();
        assertThat(leg.isFinished(1 + Duration.ofSeconds(61).toNanos())).isTrue();
    }

    @Test
    void theSrtpReceivePathAllocatesLittle() throws Exception {
        check();
        leg.installKeys(BROWSER_KEYS, SERVER_KEYS);
        SrtpContext browser = SrtpContext.create(BROWSER_KEYS);
        int n = 20_000;
        byte[][] packets = new byte[n][];
        for (int i = 0; i < n; i++) {
            packets[i] = srtp(browser, i);
        }
        record = false; // measure the demux and SRTP, not the test's copies
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < n / 2; i++) {
            demux.onDatagram(packets[i], packets[i].length, BROWSER, 3); // warm-up
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = n / 2; i < n; i++) {
            demux.onDatagram(packets[i], packets[i].length, BROWSER, 3);
        }
        long perPacket = (mx.getCurrentThreadAllocatedBytes() - before) / (n / 2);
        assertThat(deliveredCount).isEqualTo(n);
        System.out.println("srtp receive path: " + perPacket + " bytes allocated per packet");
        // the demux, SrtpContext and the AES-CM keystream allocate nothing; javax.crypto's Mac.doFinal makes its
        // 20-byte result (40 B) per packet (it was ~290 B with a Cipher.init per packet)
        assertThat(perPacket).isLessThan(100);
    }

    @Test
    void dropsAreExposedAsMediaDropReasons() throws Exception {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        java.util.List<io.micrometer.core.instrument.Meter> meters = WebRtcMeters.bind(registry, counters);
        byte[] check = IceLiteResponderTest.check("srvufrag:brw1", "a-guessed-password-0123", true);
        demux.onDatagram(check, check.length, BROWSER, 1);
        assertThat(registry.get("switchboard.media.dropped.packets").tag("reason", "stun_unauthenticated").functionCounter().count()).isEqualTo(1);
        meters.forEach(registry::remove);
        assertThat(registry.find("switchboard.webrtc.stun.answered").meter()).isNull();
    }

    private void check() throws Exception {
        byte[] check = IceLiteResponderTest.check("srvufrag:brw1", "server-password-0123456789", true);
        demux.onDatagram(check, check.length, BROWSER, 1);
    }

    private static byte[] rtp(int seq) {
        byte[] b = new byte[52];
        b[0] = (byte) 0x80;
        b[1] = 111;
        Bytes.putShort(b, 2, seq);
        Bytes.putInt(b, 8, 0x0BADCAFE);
        for (int i = 12; i < 52; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static byte[] srtp(SrtpContext sender, int seq) {
        byte[] b = Arrays.copyOf(rtp(seq), 80);
        return Arrays.copyOf(b, sender.protectRtp(b, 52));
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }
}
