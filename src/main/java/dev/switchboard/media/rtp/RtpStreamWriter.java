package dev.switchboard.media.rtp;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The header state of one outgoing RTP stream (RFC 3550): random SSRC, sequence and timestamp start,
 * marker on the first packet. Writes headers in place; used by one thread at a time (the mixer).
 */
public final class RtpStreamWriter {
    private final int payloadType;
    private final int ssrc;
    private final int timestampStep;
    private int sequence;
    private int timestamp;
    private boolean first = true;

    public RtpStreamWriter(int payloadType, int timestampStep) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        this.payloadType = payloadType;
        this.timestampStep = timestampStep;
        this.ssrc = r.nextInt();
        this.sequence = r.nextInt(0x10000);
        this.timestamp = r.nextInt();
    }

    public int ssrc() {
        return ssrc;
    }

    /** Writes the 12-byte header of the next packet at {@code buf[0..12)} and advances the stream. */
    public void writeNextHeader(byte[] buf) {
        buf[0] = (byte) 0x80;
        buf[1] = (byte) ((first ? 0x80 : 0) | payloadType);
        buf[2] = (byte) (sequence >>> 8);
        buf[3] = (byte) sequence;
        writeInt(buf, 4, timestamp);
        writeInt(buf, 8, ssrc);
        first = false;
        sequence = (sequence + 1) & 0xFFFF;
        timestamp += timestampStep;
    }

    /** The RTP timestamp the next packet of the stream carries. */
    public int nextTimestamp() {
        return timestamp;
    }

    /**
     * Writes the header of a packet of another payload type sent in this stream's place for one frame (an RFC 4733
     * telephone-event): the next sequence number, the given timestamp (the event's start) and marker; the stream's
     * clock advances by one frame as if audio had been sent.
     */
    public void writeHeader(byte[] buf, int otherPayloadType, int packetTimestamp, boolean marker) {
        buf[0] = (byte) 0x80;
        buf[1] = (byte) ((marker ? 0x80 : 0) | otherPayloadType);
        buf[2] = (byte) (sequence >>> 8);
        buf[3] = (byte) sequence;
        writeInt(buf, 4, packetTimestamp);
        writeInt(buf, 8, ssrc);
        first = false;
        sequence = (sequence + 1) & 0xFFFF;
        timestamp += timestampStep;
    }

    /** Advances the timestamp over a frame that was not sent (keeps the clock honest across gaps). */
    public void skipFrame() {
        timestamp += timestampStep;
    }

    static void writeInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
