package dev.switchboard.media.webrtc;

import dev.switchboard.media.sdp.WebRtcOffer;
import org.bouncycastle.tls.UDPTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The gateway: an offer in, an answer out, a simulated browser connects; legs end when consent expires. */
class WebRtcGatewayTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DtlsCertificate BROWSER = DtlsCertificate.generate("browser", Duration.ofDays(1), RANDOM);
    private static final MediaSink NOWHERE = new MediaSink() {
        @Override
        public void onRtp(byte[] buf, int length, long nowNanos) {
        }

        @Override
        public void onRtcp(byte[] buf, int length, long nowNanos) {
        }
    };

    private final Set<WebRtcTransport> finished = ConcurrentHashMap.newKeySet();
    private WebRtcGateway gateway;
    private DatagramSocket browser;

    @BeforeEach
    void setUp() throws Exception {
        gateway = WebRtcGateway.start(new InetSocketAddress("127.0.0.1", 0), "127.0.0.1",
                new ConsentPolicy(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(2)));
        browser = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        browser.connect(new InetSocketAddress("127.0.0.1", gateway.localPort()));
        browser.setSoTimeout(5000);
    }

    @AfterEach
    void tearDown() throws Exception {
        browser.close();
        gateway.close();
    }

    @Test
    void aBrowserConnectsWithTheAnswerThenTheLegEndsWhenItStopsChecking() throws Exception {
        WebRtcGateway.Session session = gateway.open(WebRtcOffer.parse(offer()), 42, NOWHERE, "a", finished::add);
        String answer = session.answer();
        assertThat(answer).contains("m=audio " + gateway.localPort() + " UDP/TLS/RTP/SAVPF 111 110",
                "a=fingerprint:" + gateway.fingerprint().toSdp(), "a=ssrc:42 cname:switchboard");
        String ufrag = attribute(answer, "ice-ufrag");
        String pwd = attribute(answer, "ice-pwd");

        byte[] check = IceLiteResponderTest.check(ufrag + ":IkOY", pwd, true);
        browser.send(new DatagramPacket(check, check.length));
        browser.receive(new DatagramPacket(new byte[1500], 1500));
        DtlsSrtpClient client = new DtlsSrtpClient(BROWSER, gateway.fingerprint(), RANDOM, SrtpProfile.AEAD_AES_128_GCM);
        client.connect(new UDPTransport(browser, 1500));
        await().atMost(Duration.ofSeconds(5)).until(session.transport()::isSecured);
        assertThat(finished).isEmpty();

        await().atMost(Duration.ofSeconds(8)).until(() -> finished.contains(session.transport()));
        gateway.close(session.transport());
        assertThat(gateway.legs()).isZero();
        browser.send(new DatagramPacket(check, check.length));
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.counters().dropped(WebRtcDropReason.UNKNOWN_UFRAG) == 1);
    }

    @Test
    void theCertificateIsMadeForTheFirstLegAndKeptForTheNext() throws Exception {
        String first = gateway.open(WebRtcOffer.parse(offer()), 1, NOWHERE, "first", finished::add).answer();
        String second = gateway.open(WebRtcOffer.parse(offer()), 2, NOWHERE, "second", finished::add).answer();
        assertThat(attribute(first, "fingerprint")).isEqualTo(gateway.fingerprint().toSdp())
                .isEqualTo(attribute(second, "fingerprint"));
    }

    @Test
    void aLegThatNeverConnectsEnds() throws Exception {
        WebRtcGateway.Session session = gateway.open(WebRtcOffer.parse(offer()), 7, NOWHERE, "b", finished::add);
        await().atMost(Duration.ofSeconds(8)).until(() -> finished.contains(session.transport()));
        assertThat(gateway.counters().legsEnded()).isEqualTo(1);
    }

    private static String offer() throws Exception {
        try (InputStream in = WebRtcGatewayTest.class.getResourceAsStream("/webrtc/chromium-156-offer.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("a=fingerprint:[^\r]*",
                    "a=fingerprint:" + BROWSER.fingerprint().toSdp());
        }
    }

    private static String attribute(String sdp, String name) {
        for (String line : sdp.split("\r\n")) {
            if (line.startsWith("a=" + name + ":")) {
                return line.substring(name.length() + 3);
            }
        }
        throw new AssertionError("no a=" + name);
    }
}
