package dev.switchboard.media.webrtc;

/**
 * The framing of a DTLS 1.2 datagram (RFC 6347 §4.1, RFC 9146 for the {@code tls12_cid} type): one or more records,
 * each a 13-byte header (content type, version, epoch, 48-bit sequence number, length) and that many bytes, tiling the
 * datagram exactly. The version is DTLS 1.0's {@code {254, 255}} (a first ClientHello may carry it) or DTLS 1.2's
 * {@code {254, 253}}, the only two a DTLS 1.2 record layer carries (DTLS 1.3 keeps {@code {254, 253}} as its legacy
 * version; there was never a DTLS 1.1). A record of epoch 1 or later is protected, so it is at least as long as the
 * cipher's explicit nonce and tag.
 *
 * <p>Checked before a datagram reaches Bouncy Castle, which discards most invalid records silently as RFC 6347
 * §4.1.2.7 asks, but treats a protected record too short for its AEAD cipher as a fatal {@code decode_error}, and a
 * record of the reserved version {@code {254, 254}} as a fatal {@code internal_error} (its version parser throws):
 * one spoofed datagram from the browser's address would otherwise end the leg (and send the browser a fatal alert).
 * Static, allocation-free; any thread.
 */
final class DtlsRecords {
    static final int HEADER = 13;
    /** The shortest protected record any suite this server offers can carry: ChaCha20-Poly1305's 16-byte tag. */
    static final int SHORTEST_PROTECTED = 16;
    /** AES-GCM's: an 8-byte explicit nonce and a 16-byte tag (RFC 5288). */
    static final int SHORTEST_PROTECTED_GCM = 24;
    /** The minor version bytes of DTLS 1.0 and 1.2 (the major is {@code 0xFE}). */
    private static final int DTLS_1_0 = 0xFF;
    private static final int DTLS_1_2 = 0xFD;

    private DtlsRecords() {
    }

    /**
     * Whether {@code buf[off, off+len)} is a sequence of DTLS 1.0 or 1.2 records that could each be valid.
     *
     * @param shortestProtected the fewest bytes a record of epoch 1 or later may have under the negotiated cipher
     */
    static boolean wellFramed(byte[] buf, int off, int len, int shortestProtected) {
        int at = off;
        int end = off + len;
        if (len <= 0) {
            return false;
        }
        while (at < end) {
            if (end - at < HEADER) {
                return false;
            }
            int type = buf[at] & 0xFF;
            int minor = buf[at + 2] & 0xFF;
            if (type < 20 || type > 25 || (buf[at + 1] & 0xFF) != 0xFE || (minor != DTLS_1_0 && minor != DTLS_1_2)) {
                return false;
            }
            int epoch = ((buf[at + 3] & 0xFF) << 8) | (buf[at + 4] & 0xFF);
            int length = ((buf[at + 11] & 0xFF) << 8) | (buf[at + 12] & 0xFF);
            if (length > end - at - HEADER || (epoch > 0 && length < shortestProtected)) {
                return false;
            }
            at += HEADER + length;
        }
        return true;
    }
}
