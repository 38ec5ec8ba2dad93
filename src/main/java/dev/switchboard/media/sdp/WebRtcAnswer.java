package dev.switchboard.media.sdp;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.webrtc.DtlsFingerprint;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The ICE-lite answer to a {@link WebRtcOffer} (JSEP, RFC 8829 §5.3; ICE-lite, RFC 8445 §5.1.1): one host
 * candidate on the media address and the WebRTC port, {@code a=setup:passive} (this server is the DTLS server),
 * the server certificate's fingerprint, {@code rtcp-mux}, the offer's mid in the BUNDLE group, the chosen codec
 * and {@code telephone-event} when offered, {@code ptime:20}. Other m-sections are rejected (port 0) and left out
 * of the BUNDLE group.
 *
 * @param address     the media address browsers reach this server on (IPv4 or IPv6 literal)
 * @param port        the WebRTC port
 * @param iceUfrag    this leg's ICE username fragment
 * @param icePwd      this leg's ICE password
 * @param fingerprint the server certificate's fingerprint
 * @param ssrc        the SSRC this leg sends with
 */
public record WebRtcAnswer(String address, int port, String iceUfrag, String icePwd, DtlsFingerprint fingerprint, long ssrc) {

    /** The answer text (CRLF line ends) for {@code offer}. */
    public String render(WebRtcOffer offer) {
        String ipVersion = address.contains(":") ? "IP6" : "IP4";
        StringBuilder b = new StringBuilder(1024);
        b.append("v=0\r\n")
                .append("o=switchboard ").append(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)).append(" 1 IN ")
                .append(ipVersion).append(' ').append(address).append("\r\n")
                .append("s=switchboard\r\n")
                .append("t=0 0\r\n")
                .append("a=ice-lite\r\n");
        if (offer.mid() != null) {
            b.append("a=group:BUNDLE ").append(offer.mid()).append("\r\n");
        }
        b.append("a=msid-semantic: WMS switchboard\r\n");
        for (int i = 0; i < offer.sections().size(); i++) {
            WebRtcOffer.Section s = offer.sections().get(i);
            if (i != offer.audioIndex()) {
                b.append("m=").append(s.type()).append(" 0 ").append(s.proto()).append(' ').append(s.firstFormat()).append("\r\n")
                        .append("c=IN ").append(ipVersion).append(' ').append(address).append("\r\n");
                if (s.mid() != null) {
                    b.append("a=mid:").append(s.mid()).append("\r\n");
                }
                b.append("a=inactive\r\n");
                continue;
            }
            audio(b, offer, ipVersion);
        }
        return b.toString();
    }

    private void audio(StringBuilder b, WebRtcOffer offer, String ipVersion) {
        AudioCodec codec = offer.codec();
        int pt = offer.payloadType();
        b.append("m=audio ").append(port).append(" UDP/TLS/RTP/SAVPF ").append(pt);
        if (offer.dtmfPayloadType() >= 0) {
            b.append(' ').append(offer.dtmfPayloadType());
        }
        b.append("\r\n")
                .append("c=IN ").append(ipVersion).append(' ').append(address).append("\r\n");
        if (offer.mid() != null) {
            b.append("a=mid:").append(offer.mid()).append("\r\n");
        }
        b.append("a=ice-ufrag:").append(iceUfrag).append("\r\n")
                .append("a=ice-pwd:").append(icePwd).append("\r\n")
                .append("a=fingerprint:").append(fingerprint.toSdp()).append("\r\n")
                .append("a=setup:passive\r\n")
                .append("a=").append(offer.direction().answer().attribute()).append("\r\n")
                .append("a=rtcp-mux\r\n")
                .append("a=rtpmap:").append(pt).append(' ').append(codec.rtpmap()).append("\r\n");
        if (codec == AudioCodec.OPUS) {
            b.append("a=fmtp:").append(pt).append(" minptime=10;stereo=0;sprop-stereo=0;useinbandfec=0\r\n");
        }
        if (offer.dtmfPayloadType() >= 0) {
            b.append("a=rtpmap:").append(offer.dtmfPayloadType()).append(" telephone-event/").append(codec.clockRate()).append("\r\n")
                    .append("a=fmtp:").append(offer.dtmfPayloadType()).append(" 0-15\r\n");
        }
        b.append("a=ptime:20\r\n")
                .append("a=msid:switchboard audio\r\n")
                .append("a=ssrc:").append(ssrc).append(" cname:switchboard\r\n")
                .append("a=candidate:1 1 udp 2130706431 ").append(address).append(' ').append(port).append(" typ host generation 0\r\n")
                .append("a=end-of-candidates\r\n");
    }
}
