package dev.switchboard.media.sdp;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.media.codec.AudioCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AudioNegotiationTest {
    private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n";

    @Test
    void baresipStyleOfferPicksTheFirstSupportedCodecInOfferOrder() {
        String offer = HEAD + "m=audio 47174 RTP/AVP 96 0 8 101\r\na=rtpmap:96 opus/48000/2\r\na=fmtp:96 stereo=1\r\n"
                + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n";
        AudioNegotiation n = AudioNegotiation.negotiate(offer);
        assertThat(n.codec()).isEqualTo(AudioCodec.OPUS);
        assertThat(n.payloadType()).isEqualTo(96);
        assertThat(n.remoteAddress()).isEqualTo("10.0.0.5");
        assertThat(n.remotePort()).isEqualTo(47174);
        assertThat(n.direction()).isEqualTo(Direction.SENDRECV);
        String answer = n.answer("127.0.0.1", 31000);
        assertThat(answer).startsWith("v=0\r\n").contains("c=IN IP4 127.0.0.1\r\n").contains("m=audio 31000 RTP/AVP 96\r\n")
                .contains("a=rtpmap:96 opus/48000/2\r\n").contains("a=ptime:20\r\n").contains("a=sendrecv\r\n")
                .doesNotContain("PCMU");
    }

    @Test
    void staticPayloadTypesNeedNoRtpmap() {
        AudioNegotiation n = AudioNegotiation.negotiate(HEAD + "m=audio 4000 RTP/AVP 18 8 0\r\n");
        assertThat(n.codec()).isEqualTo(AudioCodec.PCMA);
        assertThat(n.payloadType()).isEqualTo(8);
        assertThat(n.answer("127.0.0.1", 5)).contains("a=rtpmap:8 PCMA/8000");
    }

    @Test
    void directionsAreAnsweredPerRfc3264() {
        assertThat(dir("sendonly")).isEqualTo(Direction.RECVONLY);
        assertThat(dir("recvonly")).isEqualTo(Direction.SENDONLY);
        assertThat(dir("inactive")).isEqualTo(Direction.INACTIVE);
        assertThat(dir("sendrecv")).isEqualTo(Direction.SENDRECV);
        AudioNegotiation sessionLevel = AudioNegotiation.negotiate(HEAD + "a=sendonly\r\nm=audio 4000 RTP/AVP 0\r\n");
        assertThat(sessionLevel.direction()).isEqualTo(Direction.RECVONLY);
        assertThat(sessionLevel.weSend()).isFalse();
        assertThat(sessionLevel.weReceive()).isTrue();
    }

    @Test
    void theHoldAddressMeansWeDoNotSend() {
        AudioNegotiation n = AudioNegotiation.negotiate("v=0\r\nc=IN IP4 0.0.0.0\r\nm=audio 4000 RTP/AVP 0\r\n");
        assertThat(n.weSend()).isFalse();
    }

    private static Direction dir(String offered) {
        return AudioNegotiation.negotiate(HEAD + "m=audio 4000 RTP/AVP 0\r\na=" + offered + "\r\n").direction();
    }

    @Test
    void otherMediaLinesAreRejectedWithPortZeroInOrder() {
        String offer = HEAD + "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\nm=audio 4000 RTP/AVP 0\r\n";
        String answer = AudioNegotiation.negotiate(offer).answer("127.0.0.1", 6000);
        assertThat(answer.indexOf("m=video 0 RTP/AVP 96")).isPositive().isLessThan(answer.indexOf("m=audio 6000"));
    }

    @Test
    void mediaLevelConnectionWinsOverSessionLevel() {
        AudioNegotiation n = AudioNegotiation.negotiate(HEAD + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.168.1.9\r\n");
        assertThat(n.remoteAddress()).isEqualTo("192.168.1.9");
    }

    @Test
    void badOffersSayWhatIsWrong() {
        bad("", "empty");
        bad("hello", "v=0");
        bad("v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 4000 RTP/AVP 96\r\n", "no audio m-line");
        bad("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 UDP/TLS/RTP/SAVPF 111\r\n", "only RTP/AVP");
        bad("v=0\r\nc=IN IP6 ::1\r\nm=audio 4000 RTP/AVP 0\r\n", "IPv4");
        bad("v=0\r\nm=audio 4000 RTP/AVP 0\r\n", "no c= line");
        bad("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 0 RTP/AVP 0\r\n", "port 0");
        bad("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 99999 RTP/AVP 0\r\n", "out of range");
        bad("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP x\r\n", "not a number");
        bad("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio\r\n", "malformed m=");
        bad("v=0\r\nc=IN IP4 999.2.3.4\r\nm=audio 4000 RTP/AVP 0\r\n", "not a valid IPv4");
        bad("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 97 9\r\na=rtpmap:97 opus/48000/1\r\n",
                "No common audio codec: the offer has opus/48000/1, payload type 9 (no rtpmap); Switchboard supports");
        bad("v=0\r\nc=IN IP4 1.2.3.4\r\n" + "a=x:" + "y".repeat(SdpOffer.MAX_LENGTH) + "\r\n", "larger than");
    }

    private static void bad(String offer, String messagePart) {
        assertThatThrownBy(() -> AudioNegotiation.negotiate(offer))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                    assertThat(e.getMessage()).contains(messagePart);
                });
    }
}
