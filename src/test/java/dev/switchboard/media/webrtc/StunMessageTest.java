package dev.switchboard.media.webrtc;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

import static dev.switchboard.media.webrtc.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/** STUN parsing and writing against RFC 5769's sample messages. */
class StunMessageTest {
    static final String RFC5769_PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";
    static final byte[] RFC5769_REQUEST = bytes("""
            000100582112a442b7e7a701bc34d686fa87dfae
            802200105354554e207465737420636c69656e74
            002400046e0001ff
            80290008932ff9b151263b36
            000600096576746a3a68367659202020
            000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2
            80280004e57a3bcf""");
    static final byte[] RFC5769_RESPONSE = bytes("""
            0101003c2112a442b7e7a701bc34d686fa87dfae
            8022000b7465737420766563746f7220
            002000080001a147e112a643
            000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7
            80280004c07d4c96""");

    @Test
    void parsesAndVerifiesTheRfc5769Request() throws Exception {
        StunMessage m = new StunMessage();
        assertThat(m.parse(RFC5769_REQUEST, RFC5769_REQUEST.length)).isTrue();
        assertThat(m.type()).isEqualTo(StunMessage.BINDING_REQUEST);
        assertThat(m.priority()).isEqualTo(0x6e0001ffL);
        assertThat(m.iceControlled()).isTrue();
        assertThat(m.localUfrag()).isEqualTo("evtj");
        assertThat(m.usernameEquals("evtj:h6vY".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(m.verifyIntegrity(mac(RFC5769_PASSWORD), new byte[20])).isTrue();
        assertThat(m.verifyIntegrity(mac("wrong"), new byte[20])).isFalse();
        assertThat(m.verifyFingerprint(new CRC32())).isTrue();
        assertThat(RFC5769_REQUEST[3]).as("the length field is restored").isEqualTo((byte) 0x58);
    }

    @Test
    void decodesTheRfc5769ResponseAddress() throws Exception {
        StunMessage m = new StunMessage();
        assertThat(m.parse(RFC5769_RESPONSE, RFC5769_RESPONSE.length)).isTrue();
        assertThat(m.xorMappedAddress()).isEqualTo(new InetSocketAddress("192.0.2.1", 32853));
        assertThat(m.verifyIntegrity(mac(RFC5769_PASSWORD), new byte[20])).isTrue();
        assertThat(m.verifyFingerprint(new CRC32())).isTrue();
    }

    @Test
    void writesWhatItParses() throws Exception {
        byte[] out = new byte[1500];
        byte[] tx = bytes("0102030405060708090a0b0c");
        InetSocketAddress v6 = new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853);
        int n = new StunWriter().start(out, StunMessage.BINDING_REQUEST, tx, 0)
                .username("abcd:efghi".getBytes(StandardCharsets.UTF_8)).priority(1_853_824_767L).iceControlling(42).useCandidate()
                .xorMappedAddress(v6).integrity(mac("pass")).finishWithFingerprint();
        StunMessage m = new StunMessage();
        assertThat(m.parse(out, n)).isTrue();
        assertThat(m.localUfrag()).isEqualTo("abcd");
        assertThat(m.priority()).isEqualTo(1_853_824_767L);
        assertThat(m.iceControlling()).isTrue();
        assertThat(m.useCandidate()).isTrue();
        assertThat(m.xorMappedAddress()).isEqualTo(v6);
        assertThat(m.verifyIntegrity(mac("pass"), new byte[20])).isTrue();
        assertThat(m.verifyFingerprint(new CRC32())).isTrue();
        assertThat(Arrays.copyOfRange(out, 8, 20)).isEqualTo(tx);
    }

    @Test
    void rejectsBrokenMessages() {
        StunMessage m = new StunMessage();
        byte[] r = RFC5769_REQUEST.clone();
        assertThat(m.parse(r, r.length - 4)).as("length field disagrees").isFalse();
        r[4] = 0;
        assertThat(m.parse(r, r.length)).as("no magic cookie").isFalse();
        byte[] rtp = new byte[40];
        rtp[0] = (byte) 0x80;
        assertThat(m.parse(rtp, rtp.length)).isFalse();
        byte[] overrun = RFC5769_REQUEST.clone();
        overrun[22] = 0x7F; // SOFTWARE length runs past the end
        assertThat(m.parse(overrun, overrun.length)).isFalse();
        byte[] flipped = RFC5769_REQUEST.clone();
        flipped[30] ^= 1;
        assertThat(m.parse(flipped, flipped.length)).isTrue();
        assertThat(m.verifyFingerprint(new CRC32())).isFalse();
    }

    static Mac mac(String password) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return mac;
    }
}
