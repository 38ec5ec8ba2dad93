package dev.switchboard.media.webrtc;

/**
 * Checks a received compound RTCP packet (RFC 3550 §6.1, §A.2) and reads what the reports need from it: how many
 * Sender and Receiver Reports it holds, and the NTP timestamp of its Sender Report (for LSR/DLSR). Never throws on
 * any input; no allocation. Not thread-safe: one instance per packet thread (its fields are the last result).
 */
public final class RtcpReader {
    /** Scan verdict: a valid compound packet. */
    public static final int OK = 0;
    /** Scan verdict: shorter than a header, a header that overruns the datagram, or a length that does not add up. */
    public static final int BAD_LENGTH = -1;
    /** Scan verdict: a version other than 2. */
    public static final int BAD_VERSION = -2;
    /** Scan verdict: the first packet is not an SR or RR, or an SR/RR shorter than its report count says. */
    public static final int BAD_FORMAT = -3;

    int senderReports;
    int receiverReports;
    int others;
    /** The SSRC of the last SR in the packet, valid when {@code senderReports > 0}. */
    long srSsrc;
    /** The middle 32 bits of that SR's NTP timestamp (what a report block's LSR echoes). */
    long srNtpMiddle;

    /**
     * Scans {@code buf[0..length)}.
     *
     * @return OK, BAD_LENGTH, BAD_VERSION or BAD_FORMAT; on OK the counts and SR fields hold this packet's values
     */
    public int scan(byte[] buf, int length) {
        senderReports = 0;
        receiverReports = 0;
        others = 0;
        if (buf == null || length < 4 || length > buf.length) {
            return BAD_LENGTH;
        }
        int at = 0;
        boolean first = true;
        while (at < length) {
            if (length - at < 4) {
                return BAD_LENGTH;
            }
            if ((buf[at] & 0xC0) != 0x80) {
                return BAD_VERSION;
            }
            int count = buf[at] & 0x1F;
            int type = buf[at + 1] & 0xFF;
            int size = (Bytes.getShort(buf, at + 2) + 1) * 4;
            if (size > length - at) {
                return BAD_LENGTH;
            }
            boolean padded = (buf[at] & 0x20) != 0;
            if (padded && at + size != length) {
                return BAD_FORMAT; // only the last packet of a compound may be padded (§A.2)
            }
            if (first && type != RtcpWriter.SR && type != RtcpWriter.RR) {
                return BAD_FORMAT;
            }
            if (type == RtcpWriter.SR) {
                if (size < 28 + 24 * count) {
                    return BAD_FORMAT;
                }
                senderReports++;
                srSsrc = Bytes.getInt(buf, at + 4) & 0xFFFF_FFFFL;
                srNtpMiddle = ((long) Bytes.getShort(buf, at + 10) << 16 | Bytes.getShort(buf, at + 12)) & 0xFFFF_FFFFL;
            } else if (type == RtcpWriter.RR) {
                if (size < 8 + 24 * count) {
                    return BAD_FORMAT;
                }
                receiverReports++;
            } else {
                others++;
            }
            first = false;
            at += size;
        }
        return OK;
    }

    public int senderReports() {
        return senderReports;
    }

    public int receiverReports() {
        return receiverReports;
    }

    public int others() {
        return others;
    }

    public long srSsrc() {
        return srSsrc;
    }

    public long srNtpMiddle() {
        return srNtpMiddle;
    }
}
