package dev.switchboard.media.sdp;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.webrtc.DtlsFingerprint;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A real Chromium 156 offer (captured headless with a fake microphone) in, the ICE-lite answer out. */
class WebRtcOfferTest {
    private static final DtlsFingerprint SERVER = DtlsFingerprint.parse(
            "sha-256 01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF");

    static String chromiumOffer() throws IOException {
        try (InputStream in = WebRtcOfferTest.class.getResourceAsStream("/webrtc/chromium-156-offer.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parsesChromiumsOffer() throws IOException {
        WebRtcOffer offer = WebRtcOffer.parse(chromiumOffer());
        assertThat(offer.iceUfrag()).isEqualTo("IkOY");
        assertThat(offer.icePwd()).isEqualTo("r78HVQcJohwzk5Ck+CroiEH2");
        assertThat(offer.fingerprint().toSdp()).isEqualTo(
                "sha-256 B4:BE:F0:A9:75:52:56:53:1B:08:EE:3A:E5:D2:DE:5B:D8:58:7F:50:BE:A8:C9:ED:9E:25:F7:2A:58:A2:2B:75");
        assertThat(offer.setup()).isEqualTo("actpass");
        assertThat(offer.mid()).isEqualTo("0");
        assertThat(offer.codec()).isEqualTo(AudioCodec.OPUS);
        assertThat(offer.payloadType()).isEqualTo(111);
        assertThat(offer.dtmfPayloadType()).as("telephone-event/48000 goes with Opus").isEqualTo(110);
        assertThat(offer.direction()).isEqualTo(Direction.SENDRECV);
        assertThat(WebRtcOffer.isWebRtc(chromiumOffer())).isTrue();
    }

    @Test
    void answersIceLiteWithOneHostCandidateAndPassiveSetup() throws IOException {
        WebRtcOffer offer = WebRtcOffer.parse(chromiumOffer());
        String answer = new WebRtcAnswer("127.0.0.1", 3478, "srvUfrag", "srvPassword0123456789012", SERVER, 0xCAFEBABEL).render(offer);
        List<String> lines = Arrays.asList(answer.split("\r\n"));
        assertThat(answer).endsWith("\r\n");
        assertThat(lines.get(0)).isEqualTo("v=0");
        assertThat(lines).contains("a=ice-lite", "a=group:BUNDLE 0", "m=audio 3478 UDP/TLS/RTP/SAVPF 111 110",
                "c=IN IP4 127.0.0.1", "a=mid:0", "a=ice-ufrag:srvUfrag", "a=ice-pwd:srvPassword0123456789012",
                "a=fingerprint:" + SERVER.toSdp(), "a=setup:passive", "a=sendrecv", "a=rtcp-mux",
                "a=rtpmap:111 opus/48000/2", "a=rtpmap:110 telephone-event/48000", "a=ptime:20",
                "a=ssrc:3405691582 cname:switchboard",
                "a=candidate:1 1 udp 2130706431 127.0.0.1 3478 typ host generation 0", "a=end-of-candidates");
        assertThat(lines.indexOf("a=ice-lite")).as("session level").isLessThan(lines.indexOf("m=audio 3478 UDP/TLS/RTP/SAVPF 111 110"));
        assertThat(lines).filteredOn(l -> l.startsWith("a=candidate")).hasSize(1);
    }

    @Test
    void fallsBackToG711WithItsTelephoneEvent() throws IOException {
        String g711 = chromiumOffer().replace("m=audio 33429 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
                "m=audio 33429 UDP/TLS/RTP/SAVPF 8 0 126");
        WebRtcOffer offer = WebRtcOffer.parse(g711);
        assertThat(offer.codec()).as("PCMU preferred over PCMA").isEqualTo(AudioCodec.PCMU);
        assertThat(offer.payloadType()).isZero();
        assertThat(offer.dtmfPayloadType()).isEqualTo(126);
    }

    @Test
    void sessionLevelCredentialsApply() throws IOException {
        String moved = chromiumOffer().replace("a=ice-ufrag:IkOY\r\n", "").replace("a=group:BUNDLE 0", "a=ice-ufrag:IkOY\r\na=group:BUNDLE 0");
        assertThat(WebRtcOffer.parse(moved).iceUfrag()).isEqualTo("IkOY");
    }

    @Test
    void rejectsWhatThisServerCannotAnswer() throws IOException {
        String offer = chromiumOffer();
        assertRejected(offer.replace("a=setup:actpass", "a=setup:passive"), "setup:passive");
        assertRejected(offer.replaceAll("a=fingerprint:[^\r]*\r\n", ""), "fingerprint");
        assertRejected(offer.replace("a=fingerprint:sha-256", "a=fingerprint:md5"), "fingerprint");
        assertRejected(offer.replaceAll("a=ice-pwd:[^\r]*\r\n", ""), "ice-pwd");
        assertRejected(offer.replace("a=rtcp-mux\r\n", ""), "rtcp-mux");
        assertRejected(offer.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP"), "UDP/TLS/RTP/SAVPF");
        assertRejected(offer.replace("111 63 9 0 8 13 110 126", "9 13"), "No common audio codec");
        assertRejected(offer.replace("a=group:BUNDLE 0", "a=ice-lite\r\na=group:BUNDLE 0"), "ICE-lite");
    }

    @Test
    void otherSectionsAreRejectedAndLeftOutOfTheBundle() throws IOException {
        String withVideo = chromiumOffer().replace("a=group:BUNDLE 0", "a=group:BUNDLE 0 1")
                + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=rtpmap:96 VP8/90000\r\n";
        WebRtcOffer offer = WebRtcOffer.parse(withVideo);
        String answer = new WebRtcAnswer("192.0.2.10", 3478, "srvUfrag", "srvPassword0123456789012", SERVER, 1).render(offer);
        assertThat(answer).contains("a=group:BUNDLE 0\r\n", "m=video 0 UDP/TLS/RTP/SAVPF 96\r\n", "a=mid:1\r\n");
    }

    private static void assertRejected(String sdp, String mentions) {
        assertThatThrownBy(() -> WebRtcOffer.parse(sdp)).isInstanceOf(SwitchboardException.class).hasMessageContaining(mentions);
    }
}
