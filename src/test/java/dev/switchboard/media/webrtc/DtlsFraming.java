package dev.switchboard.media.webrtc;

import java.nio.ByteBuffer;

/**
 * The tests' own reading of RFC 6347 §4.1 (and RFC 9146's content type 25), written apart from {@link DtlsRecords}:
 * records of a known content type and a DTLS version that tile the datagram, each of epoch 1 or later at least
 * {@code shortestProtected} bytes long (the AEAD cipher's explicit nonce and tag). The versions: DTLS 1.0
 * ({@code 0xFEFF}) and 1.2 ({@code 0xFEFD}); {@code 0xFEFE} was never assigned.
 */
final class DtlsFraming {
    private DtlsFraming() {
    }

    static boolean wellFramed(byte[] d, int shortestProtected) {
        ByteBuffer b = ByteBuffer.wrap(d);
        do {
            if (b.remaining() < 13) {
                return false;
            }
            int type = Byte.toUnsignedInt(b.get());
            int version = Short.toUnsignedInt(b.getShort());
            int epoch = Short.toUnsignedInt(b.getShort());
            b.position(b.position() + 6); // sequence number
            int length = Short.toUnsignedInt(b.getShort());
            boolean known = type >= 20 && type <= 25;
            boolean dtls = version == 0xFEFF || version == 0xFEFD;
            if (!known || !dtls || length > b.remaining() || (epoch != 0 && length < shortestProtected)) {
                return false;
            }
            b.position(b.position() + length);
        } while (b.hasRemaining());
        return true;
    }

    /** Whether any record of a well-framed datagram is an alert (content type 21, readable in the clear header). */
    static boolean carriesAlert(byte[] d) {
        int at = 0;
        while (at + 13 <= d.length) {
            if (d[at] == 21) {
                return true;
            }
            at += 13 + (((d[at + 11] & 0xFF) << 8) | (d[at + 12] & 0xFF));
        }
        return false;
    }
}
