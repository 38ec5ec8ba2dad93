package dev.switchboard.media.webrtc;

/**
 * The framing of a DTLS 1.2 datagram (RFC 6347 §4.1, RFC 9146 for the {@code tls12_cid} type): one or more records,
 * each a 13-byte header (content type, {@code 0xFE}-major version, epoch, 48-bit sequence number, length) and that
 * many bytes, tiling the datagram exactly. A record of epoch 1 or later is protected, so it is at least as long as the
 * cipher's explicit nonce and tag.
 *
 * <p>Checked before a datagram reaches Bouncy Castle, which discards most invalid records silently as RFC 6347
 * §4.1.2.7 asks but treats a protected record too short for its AEAD cipher as a fatal {@code decode_error}: one
 * spoofed 15-byte datagram from the browser's address would otherwise end the leg (and send the browser a fatal
 * alert). Static, allocation-free; any thread.
 */
final class DtlsRecords {
    static final int HEADER = 13;
    /** The shortest protected record any suite this server offers can carry: ChaCha20-Poly1305's 16-byte tag. */
    static final int SHORTEST_PROTECTED = 16;
    /** AES-GCM's: an 8-byte explicit nonce and a 16-byte tag (RFC 5288). */
    static final int SHORTEST_PROTECTED_GCM = 24;

    private DtlsRecords() {
    }

    /**
     * Whether {@code buf[off, off+len)} is a sequence of DTLS 1.2 records that could each be valid.
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
            if (type < 20 || type > 25 || (buf[at + 1] & 0xFF) != 0xFE) {
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
