package dev.switchboard.media.webrtc;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.zip.CRC32;

import static dev.switchboard.media.webrtc.StunMessage.HEADER;
import static dev.switchboard.media.webrtc.StunMessage.MAGIC_COOKIE;

/**
 * Writes STUN messages (RFC 8489) into a caller's buffer: a header, attributes, then MESSAGE-INTEGRITY and
 * FINGERPRINT last. Reusable; not thread-safe. Writing allocates nothing (the address bytes of an
 * {@link InetAddress} are the JDK's copy).
 */
public final class StunWriter {
    private final CRC32 crc = new CRC32();
    private byte[] buf;
    private int at;

    /** Starts a message of {@code type} with the transaction ID at {@code txBuf[txOffset..txOffset+12)}. */
    public StunWriter start(byte[] out, int type, byte[] txBuf, int txOffset) {
        if (out.length < 548) {
            throw new IllegalArgumentException("a STUN output buffer needs at least 548 bytes");
        }
        this.buf = out;
        Bytes.putShort(out, 0, type);
        Bytes.putShort(out, 2, 0);
        Bytes.putInt(out, 4, MAGIC_COOKIE);
        System.arraycopy(txBuf, txOffset, out, 8, 12);
        at = HEADER;
        return this;
    }

    public StunWriter username(byte[] username) {
        return attribute(StunMessage.USERNAME, username, username.length);
    }

    public StunWriter priority(long priority) {
        header(StunMessage.PRIORITY, 4);
        Bytes.putInt(buf, at, (int) priority);
        at += 4;
        return this;
    }

    public StunWriter useCandidate() {
        header(StunMessage.USE_CANDIDATE, 0);
        return this;
    }

    public StunWriter iceControlling(long tieBreaker) {
        header(StunMessage.ICE_CONTROLLING, 8);
        Bytes.putInt(buf, at, (int) (tieBreaker >>> 32));
        Bytes.putInt(buf, at + 4, (int) tieBreaker);
        at += 8;
        return this;
    }

    /** XOR-MAPPED-ADDRESS of {@code address} (IPv4 or IPv6), RFC 8489 §14.2. */
    public StunWriter xorMappedAddress(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        boolean v4 = ip instanceof Inet4Address;
        byte[] raw = ip.getAddress();
        header(StunMessage.XOR_MAPPED_ADDRESS, v4 ? 8 : 20);
        buf[at] = 0;
        buf[at + 1] = (byte) (v4 ? 1 : 2);
        Bytes.putShort(buf, at + 2, address.getPort() ^ (MAGIC_COOKIE >>> 16));
        for (int i = 0; i < raw.length; i++) {
            buf[at + 4 + i] = (byte) (raw[i] ^ buf[4 + i]); // cookie, then transaction ID (bytes 4..19)
        }
        at += 4 + raw.length;
        return this;
    }

    /** Appends MESSAGE-INTEGRITY computed with {@code mac} (HmacSHA1 keyed with the short-term password). */
    public StunWriter integrity(Mac mac) {
        Bytes.putShort(buf, 2, at + 24 - HEADER);
        mac.update(buf, 0, at);
        header(StunMessage.MESSAGE_INTEGRITY, 20);
        try {
            mac.doFinal(buf, at);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        at += 20;
        return this;
    }

    /** Appends FINGERPRINT and returns the message length. */
    public int finishWithFingerprint() {
        Bytes.putShort(buf, 2, at + 8 - HEADER);
        crc.reset();
        crc.update(buf, 0, at);
        header(StunMessage.FINGERPRINT, 4);
        Bytes.putInt(buf, at, (int) crc.getValue() ^ StunMessage.FINGERPRINT_XOR);
        at += 4;
        return at;
    }

    private StunWriter attribute(int type, byte[] value, int length) {
        header(type, length);
        System.arraycopy(value, 0, buf, at, length);
        int padded = length + 3 & ~3;
        for (int i = length; i < padded; i++) {
            buf[at + i] = 0;
        }
        at += padded;
        return this;
    }

    private void header(int type, int length) {
        Bytes.putShort(buf, at, type);
        Bytes.putShort(buf, at + 2, length);
        at += 4;
        Bytes.putShort(buf, 2, at - HEADER + (length + 3 & ~3));
    }
}
