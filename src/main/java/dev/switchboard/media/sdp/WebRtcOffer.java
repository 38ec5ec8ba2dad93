package dev.switchboard.media.sdp;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.webrtc.DtlsFingerprint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A browser's WebRTC offer (JSEP, RFC 8829) reduced to what an ICE-lite, DTLS-SRTP audio answer needs: the first
 * audio m-section's ICE credentials, certificate fingerprint, DTLS role, mid and codec choice (Opus preferred,
 * else PCMU, else PCMA; {@code telephone-event} at the chosen codec's clock rate when offered). Session-level
 * {@code ice-ufrag}, {@code ice-pwd}, {@code fingerprint} and {@code setup} apply where the m-section has none.
 *
 * @param iceUfrag        the browser's ICE username fragment
 * @param icePwd          the browser's ICE password
 * @param fingerprint     the browser's DTLS certificate fingerprint
 * @param setup           {@code actpass} or {@code active} (this server is always the DTLS server)
 * @param mid             the audio m-section's {@code a=mid}, or null (no BUNDLE)
 * @param codec           the chosen codec
 * @param payloadType     its payload type as the offer numbers it
 * @param dtmfPayloadType the offer's {@code telephone-event} payload type at the codec's rate, or -1
 * @param direction       the offer's direction for the audio m-section
 * @param sections        every m-section (type, proto, mid), for the answer's rejected lines
 * @param audioIndex      which of them is the audio one answered
 */
public record WebRtcOffer(String iceUfrag, String icePwd, DtlsFingerprint fingerprint, String setup, String mid,
                          AudioCodec codec, int payloadType, int dtmfPayloadType, Direction direction,
                          List<Section> sections, int audioIndex) {

    /** An m-section as the answer must echo it. @param mid its {@code a=mid}, or null */
    public record Section(String type, String proto, String firstFormat, String mid) {
    }

    /** True if the SDP looks like a WebRTC offer (DTLS-SRTP profile on some m-line) rather than plain RTP. */
    public static boolean isWebRtc(String sdp) {
        return sdp != null && sdp.contains("UDP/TLS/RTP/SAVP");
    }

    /**
     * Parses a browser offer.
     *
     * @throws SwitchboardException BAD_REQUEST naming what is missing or wrong: no audio m-section, not
     *         {@code UDP/TLS/RTP/SAVPF}, no ICE credentials, no or bad fingerprint, {@code setup:passive}, no
     *         {@code rtcp-mux}, {@code ice-lite} on the browser's side, or no common codec
     */
    public static WebRtcOffer parse(String sdp) {
        if (sdp == null || sdp.isBlank()) {
            throw SwitchboardException.badRequest("The SDP offer is empty.");
        }
        if (sdp.length() > SdpOffer.MAX_LENGTH) {
            throw SwitchboardException.badRequest("The SDP offer is larger than " + SdpOffer.MAX_LENGTH + " characters.");
        }
        String[] lines = sdp.split("\r?\n");
        if (!lines[0].strip().equals("v=0")) {
            throw SwitchboardException.badRequest("The SDP offer must start with v=0.");
        }
        Attributes session = new Attributes();
        List<Attributes> media = new ArrayList<>();
        Attributes current = session;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw SwitchboardException.badRequest("The SDP offer has a malformed line: " + SdpOffer.abbreviate(line));
            }
            String value = line.substring(2);
            if (line.charAt(0) == 'm') {
                current = Attributes.mLine(value);
                media.add(current);
            } else if (line.charAt(0) == 'a') {
                current.attribute(value);
            }
        }
        if (session.iceLite) {
            throw SwitchboardException.badRequest("The offer is ICE-lite; Switchboard is ICE-lite too, so one side must be a full agent (a browser is).");
        }
        int audioIndex = -1;
        for (int i = 0; i < media.size(); i++) {
            if (media.get(i).type.equals("audio") && media.get(i).port != 0) {
                audioIndex = i;
                break;
            }
        }
        if (audioIndex < 0) {
            throw SwitchboardException.badRequest("The SDP offer has no enabled audio m-line.");
        }
        return build(session, media, audioIndex);
    }

    private static WebRtcOffer build(Attributes session, List<Attributes> media, int audioIndex) {
        Attributes audio = media.get(audioIndex);
        if (!audio.proto.equals("UDP/TLS/RTP/SAVPF") && !audio.proto.equals("UDP/TLS/RTP/SAVP")) {
            throw SwitchboardException.badRequest("The audio m-line uses " + SdpOffer.abbreviate(audio.proto)
                    + "; a WebRTC offer uses UDP/TLS/RTP/SAVPF.");
        }
        String ufrag = first(audio.iceUfrag, session.iceUfrag);
        String pwd = first(audio.icePwd, session.icePwd);
        if (ufrag == null || pwd == null) {
            throw SwitchboardException.badRequest("The WebRTC offer has no a=ice-ufrag/a=ice-pwd.");
        }
        if (!ufrag.matches("[A-Za-z0-9+/]{4,256}") || !pwd.matches("[A-Za-z0-9+/]{22,256}")) {
            throw SwitchboardException.badRequest("The offer's ICE ufrag (4-256) or password (22-256 ice-chars) is malformed.");
        }
        String fp = first(audio.fingerprint, session.fingerprint);
        if (fp == null) {
            throw SwitchboardException.badRequest("The WebRTC offer has no a=fingerprint.");
        }
        DtlsFingerprint fingerprint;
        try {
            fingerprint = DtlsFingerprint.parse(fp);
        } catch (IllegalArgumentException e) {
            throw SwitchboardException.badRequest("The offer's a=fingerprint is not usable: " + e.getMessage() + ".");
        }
        String setup = first(audio.setup, session.setup);
        setup = setup == null ? "actpass" : setup;
        if (!setup.equals("actpass") && !setup.equals("active")) {
            throw SwitchboardException.badRequest("The offer's a=setup:" + SdpOffer.abbreviate(setup)
                    + " leaves Switchboard no DTLS server role; offer actpass or active.");
        }
        if (!audio.rtcpMux) {
            throw SwitchboardException.badRequest("The WebRTC offer must use a=rtcp-mux.");
        }
        Direction direction = first(audio.direction, session.direction);
        direction = direction == null ? Direction.SENDRECV : direction;
        int[] choice = chooseCodec(audio);
        AudioCodec codec = AudioCodec.values()[choice[0]];
        int dtmf = -1;
        for (String f : audio.formats) {
            String map = audio.rtpmaps.get(SdpOffer.parseInt(f, 0, 127, "payload type"));
            if (map != null && map.equalsIgnoreCase("telephone-event/" + codec.clockRate())) {
                dtmf = Integer.parseInt(f);
                break;
            }
        }
        List<Section> sections = new ArrayList<>();
        for (Attributes m : media) {
            sections.add(new Section(m.type, m.proto, m.formats.isEmpty() ? "0" : m.formats.get(0), m.mid));
        }
        return new WebRtcOffer(ufrag, pwd, fingerprint, setup, audio.mid, codec, choice[1], dtmf, direction,
                List.copyOf(sections), audioIndex);
    }

    /** @return {ordinal of the codec, payload type}: Opus, else PCMU, else PCMA */
    private static int[] chooseCodec(Attributes audio) {
        for (AudioCodec wanted : new AudioCodec[] {AudioCodec.OPUS, AudioCodec.PCMU, AudioCodec.PCMA}) {
            for (String f : audio.formats) {
                int pt = SdpOffer.parseInt(f, 0, 127, "payload type");
                String map = audio.rtpmaps.get(pt);
                if (map == null ? wanted.staticPayloadType() == pt : matches(map, wanted)) {
                    return new int[] {wanted.ordinal(), pt};
                }
            }
        }
        List<String> seen = new ArrayList<>();
        for (String f : audio.formats) {
            String map = audio.rtpmaps.get(SdpOffer.parseInt(f, 0, 127, "payload type"));
            seen.add(map != null ? map : "payload type " + f);
        }
        throw SwitchboardException.badRequest("No common audio codec: the offer has " + String.join(", ", seen)
                + "; Switchboard supports " + AudioNegotiation.SUPPORTED + ".");
    }

    private static boolean matches(String rtpmap, AudioCodec codec) {
        String[] p = rtpmap.split("/");
        if (p.length < 2 || !p[0].trim().equalsIgnoreCase(codec.sdpName()) || !p[1].trim().equals(Integer.toString(codec.clockRate()))) {
            return false;
        }
        String channels = p.length >= 3 ? p[2].trim() : "1";
        return channels.equals(Integer.toString(codec.sdpChannels()));
    }

    private static <T> T first(T a, T b) {
        return a != null ? a : b;
    }

    /** The attributes of the session or of one m-section, as read. */
    private static final class Attributes {
        String type = "";
        int port;
        String proto = "";
        List<String> formats = List.of();
        String iceUfrag;
        String icePwd;
        String fingerprint;
        String setup;
        String mid;
        boolean rtcpMux;
        boolean iceLite;
        Direction direction;
        final Map<Integer, String> rtpmaps = new LinkedHashMap<>();

        static Attributes mLine(String value) {
            String[] p = value.trim().split("\\s+");
            if (p.length < 4) {
                throw SwitchboardException.badRequest("The SDP offer has a malformed m= line: " + SdpOffer.abbreviate(value));
            }
            Attributes a = new Attributes();
            a.type = p[0].toLowerCase(Locale.ROOT);
            String port = p[1].contains("/") ? p[1].substring(0, p[1].indexOf('/')) : p[1];
            a.port = SdpOffer.parseInt(port, 0, 65535, "m= port");
            a.proto = p[2];
            a.formats = List.of(p).subList(3, p.length);
            return a;
        }

        void attribute(String value) {
            int colon = value.indexOf(':');
            String name = colon < 0 ? value : value.substring(0, colon);
            String rest = colon < 0 ? "" : value.substring(colon + 1).trim();
            switch (name) {
                case "ice-ufrag" -> iceUfrag = rest;
                case "ice-pwd" -> icePwd = rest;
                case "fingerprint" -> fingerprint = rest;
                case "setup" -> setup = rest.toLowerCase(Locale.ROOT);
                case "mid" -> mid = rest;
                case "rtcp-mux" -> rtcpMux = true;
                case "ice-lite" -> iceLite = true;
                case "rtpmap" -> {
                    String[] p = rest.split("\\s+", 2);
                    if (p.length != 2) {
                        throw SwitchboardException.badRequest("The SDP offer has a malformed a=rtpmap: " + SdpOffer.abbreviate(value));
                    }
                    rtpmaps.put(SdpOffer.parseInt(p[0], 0, 127, "rtpmap payload type"), p[1].trim());
                }
                default -> {
                    Direction d = Direction.parse(name);
                    if (d != null) {
                        direction = d;
                    }
                }
            }
        }
    }
}
