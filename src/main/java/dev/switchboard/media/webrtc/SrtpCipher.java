package dev.switchboard.media.webrtc;

/**
 * The cryptographic transform of one SRTP profile for one direction: encrypt-and-tag, verify-and-decrypt, in
 * place in the caller's buffer. The {@link SrtpContext} parses headers, keeps indexes and replay windows and
 * hands this only what the transform needs. Not thread-safe: it reuses its {@code Cipher} and {@code Mac}.
 */
interface SrtpCipher {
    /** Returned by the unprotect methods when the tag does not verify. */
    int AUTH_FAILED = -1;

    static SrtpCipher create(SrtpMasterKeys keys) {
        return switch (keys.profile()) {
            case AES_CM_128_HMAC_SHA1_80 -> new AesCmHmacSha1Cipher(keys);
            case AEAD_AES_128_GCM -> new AesGcmCipher(keys);
        };
    }

    /** Encrypts {@code buf[header..length)}, appends the tag; returns the new length. */
    int protectRtp(byte[] buf, int header, int length, int ssrc, long index);

    /** Verifies and decrypts a packet whose last bytes are the tag; returns the plaintext length or AUTH_FAILED. */
    int unprotectRtp(byte[] buf, int header, int length, int ssrc, long index);

    /** Encrypts the RTCP packet after its first 8 bytes, appends E-flag+index and the tag; returns the new length. */
    int protectRtcp(byte[] buf, int length, int ssrc, int index);

    /**
     * Verifies and (when {@code encrypted}) decrypts an SRTCP packet whose trailer is already parsed
     * ({@code index}, the E flag); returns the plain RTCP length or AUTH_FAILED.
     */
    int unprotectRtcp(byte[] buf, int length, int ssrc, int index, boolean encrypted);

    /** Where the E-flag+SRTCP-index word sits in a protected RTCP packet of {@code length} bytes. */
    int rtcpIndexOffset(int length);

    /** Bytes added to an RTP packet by {@link #protectRtp}. */
    int rtpOverhead();

    /** Bytes added to an RTCP packet by {@link #protectRtcp}. */
    int rtcpOverhead();
}
