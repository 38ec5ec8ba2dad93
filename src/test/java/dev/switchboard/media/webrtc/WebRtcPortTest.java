package dev.switchboard.media.webrtc;

import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.UDPTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The WebRTC port on loopback UDP against a browser simulated with Bouncy Castle: ICE check, DTLS-SRTP handshake,
 * SRTP both ways through the single port; a client with the wrong certificate gets no media and ends the leg.
 */
class WebRtcPortTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DtlsCertificate SERVER = DtlsCertificate.generate("switchboard", Duration.ofDays(1), RANDOM);
    private static final DtlsCertificate BROWSER = DtlsCertificate.generate("browser", Duration.ofDays(1), RANDOM);
    private static final DtlsCertificate IMPOSTOR = DtlsCertificate.generate("browser", Duration.ofDays(1), RANDOM);

    private final WebRtcCounters counters = new WebRtcCounters();
    private final WebRtcDemux demux = new WebRtcDemux(counters);
    private final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private WebRtcPort port;
    private DatagramSocket browser;

    @BeforeEach
    void setUp() throws Exception {
        port = WebRtcPort.open(new InetSocketAddress("127.0.0.1", 0), demux);
        browser = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        browser.connect(new InetSocketAddress("127.0.0.1", port.localPort()));
        browser.setSoTimeout(5000);
    }

    @AfterEach
    void tearDown() throws Exception {
        browser.close();
        port.close();
    }

    @Test
    void aSimulatedBrowserConnectsAndSrtpFlowsBothWays() throws Exception {
        WebRtcTransport leg = leg("srvA", BROWSER.fingerprint());
        iceCheck("srvA");

        DtlsSrtpClient client = new DtlsSrtpClient(BROWSER, SERVER.fingerprint(), RANDOM,
                SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        DTLSTransport dtls = client.connect(new UDPTransport(browser, 1500));
        await().atMost(Duration.ofSeconds(5)).until(leg::isSecured);
        assertThat(client.profile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);

        SrtpContext browserOut = SrtpContext.create(client.outboundKeys());
        byte[] rtp = rtp(1000);
        byte[] buf = Arrays.copyOf(rtp, 200);
        int n = browserOut.protectRtp(buf, rtp.length);
        browser.send(new DatagramPacket(buf, n));
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(rtp);

        assertThat(leg.sendRtp(rtp(7), 52, System.nanoTime())).isTrue();
        DatagramPacket back = new DatagramPacket(new byte[1500], 1500);
        browser.receive(back);
        SrtpContext browserIn = SrtpContext.create(client.inboundKeys());
        assertThat(browserIn.unprotectRtp(back.getData(), back.getLength())).isEqualTo(52);
        assertThat(Arrays.copyOf(back.getData(), 52)).isEqualTo(rtp(7));
        assertThat(counters.dtlsHandshakes()).isEqualTo(1);

        dtls.close(); // close_notify: the browser left
        await().atMost(Duration.ofSeconds(5)).until(() -> leg.isFinished(System.nanoTime()));
        leg.close();
    }

    @Test
    void aBrowserWhoseCertificateDoesNotMatchTheOfferGetsNoMediaAndTheLegEnds() throws Exception {
        WebRtcTransport leg = leg("srvB", BROWSER.fingerprint());
        iceCheck("srvB");
        DtlsSrtpClient impostor = new DtlsSrtpClient(IMPOSTOR, SERVER.fingerprint(), RANDOM, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        assertThatThrownBy(() -> impostor.connect(new UDPTransport(browser, 1500))).isInstanceOf(java.io.IOException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> leg.isFinished(System.nanoTime()));
        assertThat(counters.dtlsFingerprintMismatch()).isEqualTo(1);
        assertThat(leg.isSecured()).isFalse();
        assertThat(leg.sendRtp(rtp(1), 52, System.nanoTime())).isFalse();
        leg.close();
    }

    @Test
    void aLegRoutesOnlyTheNewestEightAddressesThatPassedItsChecksAsItsIceAgentKeepsPairs() throws Exception {
        WebRtcTransport leg = leg("srvC", BROWSER.fingerprint());
        List<DatagramSocket> peers = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) { // one peer with the leg's password, checking from 40 source ports
                DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                peer.connect(new InetSocketAddress("127.0.0.1", port.localPort()));
                peer.setSoTimeout(5000);
                peers.add(peer);
                iceCheck(peer, "srvC");
            }
            sendShortDtls(peers);
            // the 32 oldest addresses were forgotten: strangers now; the newest 8 still reach the leg
            await().atMost(Duration.ofSeconds(5)).until(() -> counters.dropped(WebRtcDropReason.UNKNOWN_SOURCE) == 32
                    && counters.dropped(WebRtcDropReason.DTLS_MALFORMED) == 8);
            assertThat(demux.addresses()).isEqualTo(IceLiteResponder.MAX_PAIRS);

            iceCheck(peers.getFirst(), "srvC"); // the first port checks again: back in, and the oldest of the 8 is out
            sendShortDtls(List.of(peers.getFirst(), peers.get(32), peers.get(33)));
            await().atMost(Duration.ofSeconds(5)).until(() -> counters.dropped(WebRtcDropReason.UNKNOWN_SOURCE) == 33
                    && counters.dropped(WebRtcDropReason.DTLS_MALFORMED) == 10);
            assertThat(demux.addresses()).isEqualTo(IceLiteResponder.MAX_PAIRS);

            demux.unregister(leg);
            assertThat(demux.addresses()).isZero();
            sendShortDtls(peers.subList(33, 40));
            await().atMost(Duration.ofSeconds(5)).until(() -> counters.dropped(WebRtcDropReason.UNKNOWN_SOURCE) == 40);
        } finally {
            peers.forEach(DatagramSocket::close);
            leg.close();
        }
    }

    /** A browser nominates one address and then checks many more: its nominated address keeps its route. */
    @Test
    void theNominatedAddressKeepsItsRouteWhileTheBrowserChecksManyOthers() throws Exception {
        WebRtcTransport leg = leg("srvD", BROWSER.fingerprint());
        List<DatagramSocket> peers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                peer.connect(new InetSocketAddress("127.0.0.1", port.localPort()));
                peer.setSoTimeout(5000);
                peers.add(peer);
                iceCheck(peer, "srvD", i == 0); // the first nominates, the 19 others are plain checks
            }
            sendShortDtls(List.of(peers.getFirst()));
            await().atMost(Duration.ofSeconds(5)).until(() -> counters.dropped(WebRtcDropReason.DTLS_MALFORMED) == 1);
            assertThat(counters.dropped(WebRtcDropReason.UNKNOWN_SOURCE)).as("the nominated address still routes").isZero();
            sendShortDtls(peers.subList(1, peers.size()));
            // with it, the newest 7 reach the leg; the 12 others were forgotten
            await().atMost(Duration.ofSeconds(5)).until(() -> counters.dropped(WebRtcDropReason.UNKNOWN_SOURCE) == 12
                    && counters.dropped(WebRtcDropReason.DTLS_MALFORMED) == 8);
            assertThat(demux.addresses()).isEqualTo(IceLiteResponder.MAX_PAIRS);
            demux.unregister(leg);
            assertThat(demux.addresses()).isZero();
        } finally {
            peers.forEach(DatagramSocket::close);
            leg.close();
        }
    }

    /** A datagram of DTLS's range cut short from each peer: the leg counts it dtls_malformed, the demux a stranger's unknown_source. */
    private static void sendShortDtls(List<DatagramSocket> peers) throws Exception {
        byte[] dtls = {22, (byte) 0xFE, (byte) 0xFD, 0, 0};
        for (DatagramSocket peer : peers) {
            peer.send(new DatagramPacket(dtls, dtls.length));
        }
    }

    private WebRtcTransport leg(String ufrag, DtlsFingerprint expected) {
        WebRtcTransport leg = new WebRtcTransport(new IceCredentials(ufrag, "server-password-0123456789"), "brw1",
                expected, SERVER, ConsentPolicy.DEFAULT, counters, port, new MediaSink() {
                    @Override
                    public void onRtp(byte[] buf, int length, long nowNanos) {
                        received.add(Arrays.copyOf(buf, length));
                    }

                    @Override
                    public void onRtcp(byte[] buf, int length, long nowNanos) {
                    }
                }, RANDOM, ufrag, System.nanoTime());
        demux.register(leg);
        return leg;
    }

    /** A nominating connectivity check, and the server's authenticated answer. */
    private void iceCheck(String serverUfrag) throws Exception {
        iceCheck(browser, serverUfrag);
    }

    /** A nominating connectivity check from {@code browser}, and the server's authenticated answer. */
    private static void iceCheck(DatagramSocket browser, String serverUfrag) throws Exception {
        iceCheck(browser, serverUfrag, true);
    }

    /** A connectivity check from {@code browser}, nominating or not, and the server's authenticated answer. */
    private static void iceCheck(DatagramSocket browser, String serverUfrag, boolean nominate) throws Exception {
        byte[] check = IceLiteResponderTest.check(serverUfrag + ":brw1", "server-password-0123456789", nominate);
        browser.send(new DatagramPacket(check, check.length));
        DatagramPacket response = new DatagramPacket(new byte[1500], 1500);
        browser.receive(response);
        StunMessage m = new StunMessage();
        assertThat(m.parse(response.getData(), response.getLength())).isTrue();
        assertThat(m.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
        assertThat(m.verifyIntegrity(StunMessageTest.mac("server-password-0123456789"), new byte[20])).isTrue();
        assertThat(m.verifyFingerprint(new CRC32())).isTrue();
        assertThat(m.xorMappedAddress()).isEqualTo(browser.getLocalSocketAddress());
        assertThat(new String(check, 8, 12, StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(response.getData(), 8, 12, StandardCharsets.ISO_8859_1));
    }

    private static byte[] rtp(int seq) {
        byte[] b = new byte[52];
        b[0] = (byte) 0x80;
        b[1] = 111;
        Bytes.putShort(b, 2, seq);
        Bytes.putInt(b, 8, 0x51C0FFEE);
        return b;
    }
}
