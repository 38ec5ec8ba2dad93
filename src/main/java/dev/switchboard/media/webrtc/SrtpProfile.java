package dev.switchboard.media.webrtc;

/**
 * The SRTP protection profiles this server negotiates in DTLS's {@code use_srtp} extension (RFC 5764 §4.1.2,
 * RFC 7714 §14.2), with the lengths each one needs.
 */
public enum SrtpProfile {
    /** RFC 3711's default transform: AES-128 in counter mode, an 80-bit HMAC-SHA1 tag. Every browser offers it. */
    AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 10),
    /** RFC 7714: AES-128-GCM, a 128-bit tag, a 96-bit salt. Preferred when the client offers it. */
    AEAD_AES_128_GCM(0x0007, 16, 12, 16);

    private final int id;
    private final int keyLength;
    private final int saltLength;
    private final int tagLength;

    SrtpProfile(int id, int keyLength, int saltLength, int tagLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.tagLength = tagLength;
    }

    /** The {@code SRTPProtectionProfile} code point in the {@code use_srtp} extension. */
    public int id() {
        return id;
    }

    /** Master (and session) key length in bytes. */
    public int keyLength() {
        return keyLength;
    }

    /** Master (and session) salt length in bytes. */
    public int saltLength() {
        return saltLength;
    }

    /** Authentication tag length in bytes, appended to every protected packet. */
    public int tagLength() {
        return tagLength;
    }

    /** The keying material the DTLS exporter must produce: both sides' keys and salts (RFC 5764 §4.2). */
    public int exporterLength() {
        return 2 * (keyLength + saltLength);
    }

    /** @return the profile with that code point, or null if this server does not implement it */
    public static SrtpProfile byId(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }
}
