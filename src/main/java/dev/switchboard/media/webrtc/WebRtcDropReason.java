package dev.switchboard.media.webrtc;

/**
 * Why a datagram on the WebRTC port was not passed on, the {@code reason} tag of its drop counter. They join
 * the media engine's {@code DropReason}s when WebRTC legs are wired in.
 */
public enum WebRtcDropReason {
    /** A STUN check whose MESSAGE-INTEGRITY is missing or wrong, or whose USERNAME does not name this leg. */
    STUN_UNAUTHENTICATED("stun_unauthenticated"),
    /** Not STUN, or broken STUN (bad FINGERPRINT, bad TLVs), or a STUN message an ICE-lite agent does not handle. */
    STUN_MALFORMED("stun_malformed"),
    /** A STUN check for a ufrag no leg has. */
    UNKNOWN_UFRAG("unknown_ufrag"),
    /** DTLS or SRTP from an address that has not passed a STUN check. */
    UNKNOWN_SOURCE("unknown_source"),
    /** A first byte that is none of STUN, DTLS, RTP/RTCP (RFC 7983). */
    UNKNOWN_PROTOCOL("unknown_protocol"),
    /** A DTLS record that arrived while the handshake queue was full, or after the handshake failed. */
    DTLS_DROPPED("dtls_dropped"),
    /**
     * A datagram of DTLS's range that is not well-framed DTLS 1.2 (a header cut short, a length past the end, an
     * unknown content type or version, a protected record too short for its cipher), dropped before the handshake sees it.
     */
    DTLS_MALFORMED("dtls_malformed"),
    /** SRTP/SRTCP before the DTLS handshake produced keys. */
    SRTP_NO_KEYS("srtp_no_keys"),
    /** SRTP/SRTCP whose authentication tag does not verify. */
    SRTP_AUTH_FAILED("srtp_auth_failed"),
    /** SRTP/SRTCP whose index was seen already or is older than the replay window. */
    SRTP_REPLAY("srtp_replay"),
    /** SRTP/SRTCP too short to carry a header and a tag, or from one SSRC too many. */
    SRTP_MALFORMED("srtp_malformed"),
    /** Media this server would have sent while consent had lapsed (RFC 7675). */
    CONSENT_LAPSED("consent_lapsed"),
    /** Decrypted SRTCP that is not a valid compound RTCP packet (RFC 3550 §6.1: version, lengths, SR/RR first). */
    RTCP_MALFORMED("rtcp_malformed");

    private final String tag;

    WebRtcDropReason(String tag) {
        this.tag = tag;
    }

    /** The metric tag value, e.g. {@code srtp_replay}. */
    public String tag() {
        return tag;
    }
}
