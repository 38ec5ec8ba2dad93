package dev.switchboard.media.rtp;

/**
 * The RFC 4733 §2.3 telephone-event payload, read and written in place:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |     event     |E|R| volume    |          duration             |
 * </pre>
 * Every packet of one event carries the same RTP timestamp (the event's start); {@code duration} grows in timestamp
 * units; the last packets set {@code E} and are usually sent three times (§2.5.1.4). Stateless.
 */
public final class TelephoneEvent {
    /** Payload bytes of one event. */
    public static final int BYTES = 4;
    /** The SDP encoding name. */
    public static final String ENCODING = "telephone-event";
    /** The events Switchboard offers and understands: DTMF 0–9, *, #, A–D and flash (RFC 4733 §3.2). */
    public static final String FMTP_EVENTS = "0-16";
    /** Volume written on sent events, in −dBm0 (RFC 4733 §2.5.2.2: a DTMF digit is typically 10). */
    public static final int SEND_VOLUME = 10;

    private TelephoneEvent() {
    }

    public static int event(byte[] buf, int offset) {
        return buf[offset] & 0xFF;
    }

    public static boolean end(byte[] buf, int offset) {
        return (buf[offset + 1] & 0x80) != 0;
    }

    public static int volume(byte[] buf, int offset) {
        return buf[offset + 1] & 0x3F;
    }

    public static int duration(byte[] buf, int offset) {
        return ((buf[offset + 2] & 0xFF) << 8) | (buf[offset + 3] & 0xFF);
    }

    /** Writes one event payload at {@code buf[offset..offset+4)}; {@code duration} is clamped to 16 bits. */
    public static void write(byte[] buf, int offset, int event, boolean end, int volume, int duration) {
        int d = Math.min(duration, 0xFFFF);
        buf[offset] = (byte) event;
        buf[offset + 1] = (byte) ((end ? 0x80 : 0) | (volume & 0x3F));
        buf[offset + 2] = (byte) (d >>> 8);
        buf[offset + 3] = (byte) d;
    }
}
