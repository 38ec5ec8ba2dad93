package dev.switchboard.media.rtp;

/**
 * A reusable, mutable view of one received datagram, validated against RFC 3550 (RTP) and, for
 * RTP/RTCP multiplexed on one port, RFC 5761. Not thread-safe: one instance per packet thread.
 * {@link #parse} never throws and never allocates; a datagram is either valid RTP, valid RTCP, or malformed.
 */
public final class RtpPacket {
    public static final int HEADER_BYTES = 12;
    /** The shortest valid RTCP packet: an empty receiver report (header and SSRC). */
    static final int RTCP_MIN_BYTES = 8;

    /** What a datagram turned out to be. */
    public enum Kind { RTP, RTCP, MALFORMED }

    private Kind kind = Kind.MALFORMED;
    private int payloadType;
    private boolean marker;
    private int sequence;
    private int timestamp;
    private int ssrc;
    private int payloadOffset;
    private int payloadLength;

    /**
     * Parses {@code buf[0..length)}. Rejects: short datagrams, version ≠ 2, CSRC lists or header
     * extensions that run past the end, padding counts of 0 or larger than the payload, empty payloads,
     * and RTCP whose length field disagrees with the datagram.
     */
    public Kind parse(byte[] buf, int length) {
        kind = classify(buf, length);
        return kind;
    }

    /** What the last {@link #parse} found ({@link Kind#MALFORMED} before the first). */
    public Kind kind() {
        return kind;
    }

    private Kind classify(byte[] buf, int length) {
        if (length < RTCP_MIN_BYTES || length > buf.length) {
            return Kind.MALFORMED;
        }
        int b0 = buf[0] & 0xFF;
        if ((b0 >>> 6) != 2) {
            return Kind.MALFORMED;
        }
        int b1 = buf[1] & 0xFF;
        if (b1 >= 192 && b1 <= 223) {
            return validRtcp(buf, length) ? Kind.RTCP : Kind.MALFORMED;
        }
        if (length < HEADER_BYTES) {
            return Kind.MALFORMED;
        }
        int offset = HEADER_BYTES + 4 * (b0 & 0x0F);
        if (offset > length) {
            return Kind.MALFORMED;
        }
        if ((b0 & 0x10) != 0) {
            if (offset + 4 > length) {
                return Kind.MALFORMED;
            }
            int words = ((buf[offset + 2] & 0xFF) << 8) | (buf[offset + 3] & 0xFF);
            offset += 4 + 4 * words;
            if (offset > length) {
                return Kind.MALFORMED;
            }
        }
        int end = length;
        if ((b0 & 0x20) != 0) {
            int pad = buf[length - 1] & 0xFF;
            if (pad == 0 || pad > length - offset) {
                return Kind.MALFORMED;
            }
            end -= pad;
        }
        if (end - offset <= 0) {
            return Kind.MALFORMED;
        }
        marker = (b1 & 0x80) != 0;
        payloadType = b1 & 0x7F;
        sequence = ((buf[2] & 0xFF) << 8) | (buf[3] & 0xFF);
        timestamp = readInt(buf, 4);
        ssrc = readInt(buf, 8);
        payloadOffset = offset;
        payloadLength = end - offset;
        return Kind.RTP;
    }

    private static boolean validRtcp(byte[] buf, int length) {
        // a compound packet: every part has version 2 and a length field that fits exactly
        int pos = 0;
        while (pos < length) {
            if (pos + 4 > length || ((buf[pos] & 0xFF) >>> 6) != 2) {
                return false;
            }
            int words = ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
            pos += 4 * (words + 1);
        }
        return pos == length;
    }

    static int readInt(byte[] b, int i) {
        return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    public int payloadType() {
        return payloadType;
    }

    public boolean marker() {
        return marker;
    }

    /** 16-bit sequence number, 0..65535. */
    public int sequence() {
        return sequence;
    }

    /** 32-bit timestamp (compare with unsigned, wrap-aware arithmetic). */
    public int timestamp() {
        return timestamp;
    }

    public int ssrc() {
        return ssrc;
    }

    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }
}
