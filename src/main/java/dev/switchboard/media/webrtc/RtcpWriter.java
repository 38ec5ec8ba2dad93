package dev.switchboard.media.webrtc;

import java.nio.charset.StandardCharsets;

/**
 * Writes a compound RTCP packet as RFC 3550 §6.1 requires: a Sender Report (§6.4.1) or Receiver Report (§6.4.2)
 * with at most one report block, then an SDES packet with the CNAME item (§6.5.1), padded to 32-bit words. No
 * allocation; the caller's buffer is written from offset 0.
 */
public final class RtcpWriter {
    /** RTCP packet types (RFC 3550 §12.1). */
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;

    private RtcpWriter() {
    }

    /** The CNAME bytes for {@link #write}: its UTF-8, clipped to the 255 bytes an SDES item holds ("switchboard" if empty). */
    public static byte[] cname(String cname) {
        byte[] b = (cname == null || cname.isEmpty() ? "switchboard" : cname).getBytes(StandardCharsets.UTF_8);
        return b.length > 255 ? java.util.Arrays.copyOf(b, 255) : b;
    }

    /** Bytes {@link #write} needs at most for a CNAME of {@code cnameLength} bytes. */
    public static int maxLength(int cnameLength) {
        return 28 + 24 + 8 + ((2 + cnameLength + 1 + 3) & ~3);
    }

    /**
     * Writes {@code report} and an SDES CNAME chunk to {@code buf[0..)}.
     *
     * @return the compound packet's length (a multiple of 4)
     */
    public static int write(RtcpReport report, byte[] cname, byte[] buf) {
        int blocks = report.block ? 1 : 0;
        int at;
        if (report.sender) {
            int words = 6 + 6 * blocks;
            header(buf, 0, blocks, SR, words);
            Bytes.putInt(buf, 4, (int) report.ssrc);
            Bytes.putInt(buf, 8, (int) (report.ntp >>> 32));
            Bytes.putInt(buf, 12, (int) report.ntp);
            Bytes.putInt(buf, 16, (int) report.rtpTimestamp);
            Bytes.putInt(buf, 20, (int) report.packets);
            Bytes.putInt(buf, 24, (int) report.octets);
            at = 28;
        } else {
            header(buf, 0, blocks, RR, 1 + 6 * blocks);
            Bytes.putInt(buf, 4, (int) report.ssrc);
            at = 8;
        }
        if (report.block) {
            Bytes.putInt(buf, at, (int) report.sourceSsrc);
            int lost = Math.max(-0x80_0000, Math.min(0x7F_FFFF, report.cumulativeLost));
            Bytes.putInt(buf, at + 4, (report.fractionLost & 0xFF) << 24 | (lost & 0xFF_FFFF));
            Bytes.putInt(buf, at + 8, (int) report.extendedHighestSeq);
            Bytes.putInt(buf, at + 12, (int) report.jitter);
            Bytes.putInt(buf, at + 16, (int) report.lastSr);
            Bytes.putInt(buf, at + 20, (int) report.delaySinceLastSr);
            at += 24;
        }
        int sdes = at;
        int chunk = 4 + 2 + cname.length + 1; // SSRC, CNAME item, END
        int padded = (chunk + 3) & ~3;
        header(buf, sdes, 1, SDES, padded / 4);
        Bytes.putInt(buf, sdes + 4, (int) report.ssrc);
        buf[sdes + 8] = 1; // CNAME
        buf[sdes + 9] = (byte) cname.length;
        System.arraycopy(cname, 0, buf, sdes + 10, cname.length);
        for (int i = sdes + 10 + cname.length; i < sdes + 4 + padded; i++) {
            buf[i] = 0; // END and padding to the word
        }
        return sdes + 4 + padded;
    }

    private static void header(byte[] buf, int at, int count, int type, int lengthWords) {
        buf[at] = (byte) (0x80 | count);
        buf[at + 1] = (byte) type;
        buf[at + 2] = (byte) (lengthWords >>> 8);
        buf[at + 3] = (byte) lengthWords;
    }
}
