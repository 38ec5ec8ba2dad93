package dev.switchboard.media.sdp;

import dev.switchboard.media.codec.AudioCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 4733 telephone-event in the offer/answer: taken only at the chosen codec's clock rate, answered with 0-16. */
class AudioNegotiationDtmfTest {
    private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n";

    @Test
    void aPcmuLegTakesTelephoneEventAt8000() {
        AudioNegotiation n = AudioNegotiation.negotiate(HEAD + "m=audio 4000 RTP/AVP 0 101 102\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:102 telephone-event/48000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n");
        assertThat(n.codec()).isEqualTo(AudioCodec.PCMU);
        assertThat(n.dtmfPayloadType()).isEqualTo(101);
        assertThat(n.answer("127.0.0.1", 5000)).contains("m=audio 5000 RTP/AVP 0 101\r\n")
                .contains("a=rtpmap:101 telephone-event/8000\r\n").contains("a=fmtp:101 0-16\r\n")
                .doesNotContain("telephone-event/48000");
    }

    @Test
    void anOpusLegTakesTelephoneEventAt48000Only() {
        AudioNegotiation n = AudioNegotiation.negotiate(HEAD + "m=audio 4000 RTP/AVP 111 126 101\r\n"
                + "a=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\na=rtpmap:126 telephone-event/48000\r\n");
        assertThat(n.codec()).isEqualTo(AudioCodec.OPUS);
        assertThat(n.dtmfPayloadType()).isEqualTo(126);
        assertThat(n.answer("127.0.0.1", 5000)).contains("m=audio 5000 RTP/AVP 111 126\r\n")
                .contains("a=rtpmap:126 telephone-event/48000\r\n");

        AudioNegotiation only8k = AudioNegotiation.negotiate(HEAD + "m=audio 4000 RTP/AVP 111 101\r\n"
                + "a=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\n");
        assertThat(only8k.dtmf()).as("events must use the audio stream's clock (RFC 4733 §2.1)").isFalse();
        assertThat(only8k.answer("127.0.0.1", 5000)).contains("m=audio 5000 RTP/AVP 111\r\n").doesNotContain("telephone-event");
    }

    @Test
    void noTelephoneEventOfferedMeansNone() {
        AudioNegotiation n = AudioNegotiation.negotiate(HEAD + "m=audio 4000 RTP/AVP 0\r\n");
        assertThat(n.dtmfPayloadType()).isEqualTo(-1);
        assertThat(n.answer("127.0.0.1", 5000)).doesNotContain("telephone-event");
    }
}
