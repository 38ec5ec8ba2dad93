package dev.switchboard.media.sdp;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.rtp.TelephoneEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The outcome of an RFC 3264 offer/answer for one audio stream, and the answer text for it.
 * The answerer picks the first codec of the offer it supports (the offerer's preference order).
 *
 * @param codec         the chosen codec
 * @param payloadType   its payload type, as the offer numbered it
 * @param remoteAddress the offer's media address (where we send), dotted IPv4
 * @param remotePort    the offer's media port
 * @param direction     the answer's direction (ours): {@code sends()} = we send, {@code receives()} = we accept
 * @param offer         the parsed offer (for echoing rejected m-lines)
 * @param audioIndex    index of the accepted audio m-line in the offer
 * @param dtmfPayloadType the offer's RFC 4733 {@code telephone-event} payload type at the codec's clock rate
 *                      (8000 for G.711, 48000 for Opus), or -1 when it offered none: DTMF is then neither
 *                      received nor sent on the leg
 */
public record AudioNegotiation(AudioCodec codec, int payloadType, String remoteAddress, int remotePort,
                               Direction direction, SdpOffer offer, int audioIndex, int dtmfPayloadType) {

    /** The codecs this server supports, for error messages. */
    public static final String SUPPORTED = "PCMU/8000, PCMA/8000, opus/48000/2";

    /**
     * Negotiates the first usable audio m-line of an offer.
     *
     * @throws SwitchboardException BAD_REQUEST: unparseable offer, no audio m-line, not RTP/AVP, no connection
     *         address, or no common codec (the message lists what was offered and what is supported)
     */
    public static AudioNegotiation negotiate(String sdpOffer) {
        SdpOffer offer = SdpOffer.parse(sdpOffer);
        int index = -1;
        for (int i = 0; i < offer.media().size(); i++) {
            if (offer.media().get(i).type().equals("audio")) {
                index = i;
                break;
            }
        }
        if (index < 0) {
            throw SwitchboardException.badRequest("The SDP offer has no audio m-line.");
        }
        SdpOffer.Media audio = offer.media().get(index);
        if (!audio.proto().equals("RTP/AVP")) {
            throw SwitchboardException.badRequest("The audio m-line uses " + SdpOffer.abbreviate(audio.proto())
                    + "; only RTP/AVP is supported.");
        }
        if (audio.port() == 0) {
            throw SwitchboardException.badRequest("The SDP offer's audio stream is disabled (port 0).");
        }
        String address = audio.connection() != null ? audio.connection() : offer.sessionConnection();
        if (address == null) {
            throw SwitchboardException.badRequest("The SDP offer has no c= line for its audio stream.");
        }
        Direction offered = audio.direction() != null ? audio.direction()
                : offer.sessionDirection() != null ? offer.sessionDirection() : Direction.SENDRECV;
        List<String> seen = new ArrayList<>();
        for (String format : audio.formats()) {
            int pt = SdpOffer.parseInt(format, 0, 127, "payload type");
            AudioCodec codec;
            String map = audio.rtpmaps().get(pt);
            if (map != null) {
                seen.add(map);
                codec = fromRtpmap(map);
            } else {
                codec = AudioCodec.fromStaticPayloadType(pt);
                seen.add(codec != null ? codec.rtpmap() : "payload type " + pt + " (no rtpmap)");
            }
            if (codec != null) {
                return new AudioNegotiation(codec, pt, address, audio.port(), offered.answer(), offer, index,
                        telephoneEvent(audio, codec));
            }
        }
        throw SwitchboardException.badRequest("No common audio codec: the offer has " + String.join(", ", seen)
                + "; Switchboard supports " + SUPPORTED + ".");
    }

    /**
     * The payload type of the audio m-line's {@code telephone-event} at the codec's clock rate (RFC 4733 §2.1: the
     * events use the audio stream's clock), or -1.
     */
    static int telephoneEvent(SdpOffer.Media audio, AudioCodec codec) {
        for (String format : audio.formats()) {
            int pt;
            try {
                pt = Integer.parseInt(format.trim());
            } catch (NumberFormatException e) {
                continue;
            }
            String map = audio.rtpmaps().get(pt);
            if (map == null) {
                continue;
            }
            String[] p = map.split("/");
            if (p.length >= 2 && p[0].trim().equalsIgnoreCase(TelephoneEvent.ENCODING)
                    && p[1].trim().equals(Integer.toString(codec.clockRate()))) {
                return pt;
            }
        }
        return -1;
    }

    /** True when DTMF (RFC 4733) was negotiated. */
    public boolean dtmf() {
        return dtmfPayloadType >= 0;
    }

    private static AudioCodec fromRtpmap(String map) {
        String[] p = map.split("/");
        if (p.length < 2) {
            return null;
        }
        int rate;
        try {
            rate = Integer.parseInt(p[1].trim());
        } catch (NumberFormatException e) {
            return null;
        }
        AudioCodec codec = AudioCodec.fromRtpmap(p[0].trim(), rate);
        if (codec == AudioCodec.OPUS && (p.length < 3 || !p[2].trim().equals("2"))) {
            return null; // RFC 7587 §7: opus/48000/2 only
        }
        if (codec != null && codec != AudioCodec.OPUS && p.length >= 3 && !p[2].trim().equals("1")) {
            return null; // G.711 is mono
        }
        return codec;
    }

    /** True when we may send to the peer: the answer allows it and the address is not the hold address. */
    public boolean weSend() {
        return direction.sends() && !remoteAddress.equals("0.0.0.0");
    }

    /** True when we accept the peer's audio. */
    public boolean weReceive() {
        return direction.receives();
    }

    /**
     * The SDP answer: the same number of m-lines as the offer (others rejected with port 0), the chosen
     * codec only (and {@code telephone-event} when the offer had it at the codec's rate), {@code a=ptime:20}, and the
     * answer's direction.
     */
    public String answer(String localAddress, int localPort) {
        long session = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        StringBuilder b = new StringBuilder(256);
        b.append("v=0\r\n")
                .append("o=switchboard ").append(session).append(" 1 IN IP4 ").append(localAddress).append("\r\n")
                .append("s=switchboard\r\n")
                .append("c=IN IP4 ").append(localAddress).append("\r\n")
                .append("t=0 0\r\n");
        for (int i = 0; i < offer.media().size(); i++) {
            SdpOffer.Media m = offer.media().get(i);
            if (i != audioIndex) {
                b.append("m=").append(m.type()).append(" 0 ").append(m.proto()).append(' ')
                        .append(m.formats().get(0)).append("\r\n");
                continue;
            }
            b.append("m=audio ").append(localPort).append(" RTP/AVP ").append(payloadType);
            if (dtmf()) {
                b.append(' ').append(dtmfPayloadType);
            }
            b.append("\r\n")
                    .append("a=rtpmap:").append(payloadType).append(' ').append(codec.rtpmap()).append("\r\n");
            if (codec == AudioCodec.OPUS) {
                b.append("a=fmtp:").append(payloadType).append(" stereo=0;sprop-stereo=0;useinbandfec=0\r\n");
            }
            if (dtmf()) {
                b.append("a=rtpmap:").append(dtmfPayloadType).append(' ').append(TelephoneEvent.ENCODING).append('/')
                        .append(codec.clockRate()).append("\r\n")
                        .append("a=fmtp:").append(dtmfPayloadType).append(' ').append(TelephoneEvent.FMTP_EVENTS)
                        .append("\r\n");
            }
            b.append("a=ptime:20\r\n")
                    .append("a=").append(direction.attribute()).append("\r\n");
        }
        return b.toString();
    }
}
