package dev.switchboard.media.webrtc;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A reusable, mutable view of one received STUN message (RFC 8489) with the ICE attributes (RFC 8445 §16.1).
 * {@link #parse} never throws and never allocates; {@link #verifyIntegrity} and {@link #verifyFingerprint} check
 * a parsed message in place (the first briefly rewrites the header's length field and restores it). Not
 * thread-safe: one instance per packet thread.
 */
public final class StunMessage {
    public static final int HEADER = 20;
    public static final int MAGIC_COOKIE = 0x2112_A442;
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_INDICATION = 0x0011;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int BINDING_ERROR = 0x0111;

    static final int USERNAME = 0x0006;
    static final int MESSAGE_INTEGRITY = 0x0008;
    static final int ERROR_CODE = 0x0009;
    static final int XOR_MAPPED_ADDRESS = 0x0020;
    static final int PRIORITY = 0x0024;
    static final int USE_CANDIDATE = 0x0025;
    static final int FINGERPRINT = 0x8028;
    static final int ICE_CONTROLLED = 0x8029;
    static final int ICE_CONTROLLING = 0x802A;
    static final int FINGERPRINT_XOR = 0x5354_554E;

    private byte[] buf;
    private int length;
    private int type;
    private int usernameOffset;
    private int usernameLength;
    private int integrityOffset;
    private int fingerprintOffset;
    private int xorAddressOffset;
    private long priority;
    private boolean useCandidate;
    private boolean controlling;
    private boolean controlled;

    /** True if the first byte says STUN (RFC 7983: 0..3). */
    public static boolean looksLikeStun(byte first) {
        return (first & 0xFF) < 4;
    }

    /**
     * Parses {@code buf[0..length)}. Accepts a header with the magic cookie and a length that matches the
     * datagram, then well-formed TLVs; records the ICE attributes that precede MESSAGE-INTEGRITY (RFC 8489
     * §14.5: later ones except FINGERPRINT are ignored). FINGERPRINT must be last.
     *
     * @return false if it is not a well-formed STUN message
     */
    public boolean parse(byte[] buf, int length) {
        this.buf = buf;
        this.length = length;
        usernameOffset = -1;
        usernameLength = 0;
        integrityOffset = -1;
        fingerprintOffset = -1;
        xorAddressOffset = -1;
        priority = -1;
        useCandidate = controlling = controlled = false;
        if (length < HEADER || length > buf.length || (buf[0] & 0xC0) != 0
                || Bytes.getInt(buf, 4) != MAGIC_COOKIE || Bytes.getShort(buf, 2) != length - HEADER || (length & 3) != 0) {
            return false;
        }
        type = Bytes.getShort(buf, 0);
        int at = HEADER;
        while (at < length) {
            if (at + 4 > length || fingerprintOffset >= 0) {
                return false;
            }
            int attr = Bytes.getShort(buf, at);
            int len = Bytes.getShort(buf, at + 2);
            int next = at + 4 + (len + 3 & ~3);
            if (next > length) {
                return false;
            }
            if (attr == FINGERPRINT) {
                if (len != 4) {
                    return false;
                }
                fingerprintOffset = at;
            } else if (integrityOffset < 0) {
                if (!attribute(attr, at, len)) {
                    return false;
                }
            }
            at = next;
        }
        return true;
    }

    private boolean attribute(int attr, int at, int len) {
        switch (attr) {
            case USERNAME -> {
                usernameOffset = at + 4;
                usernameLength = len;
            }
            case MESSAGE_INTEGRITY -> {
                if (len != 20) {
                    return false;
                }
                integrityOffset = at;
            }
            case PRIORITY -> {
                if (len != 4) {
                    return false;
                }
                priority = Bytes.getInt(buf, at + 4) & 0xFFFF_FFFFL;
            }
            case USE_CANDIDATE -> useCandidate = true;
            case ICE_CONTROLLING -> controlling = true;
            case ICE_CONTROLLED -> controlled = true;
            case XOR_MAPPED_ADDRESS -> xorAddressOffset = at + 4;
            default -> {
                // comprehension-optional or unknown: ignored
            }
        }
        return true;
    }

    public int type() {
        return type;
    }

    /** The transaction ID is {@code buf[8..20)} of the parsed datagram. */
    public byte[] buffer() {
        return buf;
    }

    public boolean hasUsername() {
        return usernameOffset >= 0;
    }

    public boolean hasIntegrity() {
        return integrityOffset >= 0;
    }

    public boolean hasFingerprint() {
        return fingerprintOffset >= 0;
    }

    /** PRIORITY, or -1 if absent. */
    public long priority() {
        return priority;
    }

    public boolean useCandidate() {
        return useCandidate;
    }

    public boolean iceControlling() {
        return controlling;
    }

    public boolean iceControlled() {
        return controlled;
    }

    /** The XOR-MAPPED-ADDRESS, decoded, or null. Allocates: for clients and tests, not the server's packet path. */
    public InetSocketAddress xorMappedAddress() {
        if (xorAddressOffset < 0) {
            return null;
        }
        int family = buf[xorAddressOffset + 1];
        int port = Bytes.getShort(buf, xorAddressOffset + 2) ^ (MAGIC_COOKIE >>> 16);
        byte[] raw = new byte[family == 1 ? 4 : 16];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (buf[xorAddressOffset + 4 + i] ^ buf[4 + i]);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(raw), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * The recipient's ufrag: USERNAME up to its colon ({@code recipient:sender}, RFC 8445 §7.2.2), or null. Allocates
     * a String: the STUN path, not the RTP one.
     */
    public String localUfrag() {
        if (usernameOffset < 0) {
            return null;
        }
        for (int i = 0; i < usernameLength; i++) {
            if (buf[usernameOffset + i] == ':') {
                return i == 0 ? null : new String(buf, usernameOffset, i, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** True if USERNAME is exactly {@code expected} (e.g. {@code localUfrag:remoteUfrag}). */
    public boolean usernameEquals(byte[] expected) {
        if (usernameOffset < 0 || usernameLength != expected.length) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < usernameLength; i++) {
            diff |= buf[usernameOffset + i] ^ expected[i];
        }
        return diff == 0;
    }

    /** True if USERNAME starts with {@code prefix} (the {@code localUfrag:} part when the remote ufrag is unknown). */
    public boolean usernameStartsWith(byte[] prefix) {
        if (usernameOffset < 0 || usernameLength <= prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf[usernameOffset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks MESSAGE-INTEGRITY with {@code mac} (HmacSHA1 keyed with the short-term password, RFC 8489 §14.5).
     *
     * @return false if absent or wrong
     */
    public boolean verifyIntegrity(Mac mac, byte[] scratch20) {
        if (integrityOffset < 0) {
            return false;
        }
        int savedLength = Bytes.getShort(buf, 2);
        Bytes.putShort(buf, 2, integrityOffset + 24 - HEADER);
        mac.update(buf, 0, integrityOffset);
        Bytes.putShort(buf, 2, savedLength);
        try {
            mac.doFinal(scratch20, 0);
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("scratch must hold 20 bytes", e);
        }
        int diff = 0;
        for (int i = 0; i < 20; i++) {
            diff |= scratch20[i] ^ buf[integrityOffset + 4 + i];
        }
        return diff == 0;
    }

    /** Checks FINGERPRINT (RFC 8489 §14.7). @return false if absent or wrong */
    public boolean verifyFingerprint(CRC32 crc) {
        if (fingerprintOffset < 0) {
            return false;
        }
        crc.reset();
        crc.update(buf, 0, fingerprintOffset);
        return ((int) crc.getValue() ^ FINGERPRINT_XOR) == Bytes.getInt(buf, fingerprintOffset + 4);
    }
}
