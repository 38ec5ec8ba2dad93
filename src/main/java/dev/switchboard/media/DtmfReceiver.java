package dev.switchboard.media;

import dev.switchboard.media.rtp.RtpPacket;
import dev.switchboard.media.rtp.TelephoneEvent;

import java.util.function.Consumer;

/**
 * One leg's RFC 4733 receiver: turns telephone-event packets into key presses. All packets of one event share its
 * RTP timestamp (§2.5.1.3), so an event is reported once, on the first packet seen with a new timestamp (start,
 * update or end alike — a lost start packet loses nothing); its updates, its redundant end packets and any duplicate
 * are the same event and report nothing. A packet whose timestamp is older than the last event's (a late
 * retransmission) is ignored too. A new SSRC (the peer restarted its stream) starts afresh.
 *
 * <p>A key held longer than the 16-bit duration field can say (0xFFFF clock units: 8.2 s at 8 kHz, only 1.37 s with
 * {@code telephone-event/48000}) is sent in segments (§2.5.1.3): each further segment has a new timestamp, the previous
 * one plus its duration, and no marker bit, and the segment before it had no end bit. Such a packet continues the key
 * press (§2.5.2.3) and reports nothing.
 *
 * <p>Threads: the packet thread only, one instance per leg; no locks, no allocation (the sink decides what a key
 * press costs).
 */
public final class DtmfReceiver {
    /** What one packet was. */
    public enum Verdict {
        /** The first packet of a new key press: reported to the sink. */
        DIGIT,
        /** Another packet of the key press already reported (update, redundant end, duplicate, late). */
        REPEAT,
        /** A well-formed event that is not DTMF (RFC 4733 events beyond 16): ignored. */
        NOT_DTMF,
        /** Shorter than a telephone-event payload. */
        MALFORMED
    }

    /** The longest an event segment may last, in clock units (the duration field's maximum). */
    static final int MAX_SEGMENT = 0xFFFF;
    /** How far a next segment's timestamp may be from the previous one's plus {@link #MAX_SEGMENT} (a 48 kHz frame and more). */
    private static final int SEGMENT_SLACK = 2000;

    private final Consumer<DtmfTone> sink;
    private boolean started;
    private int ssrc;
    private int timestamp;
    /** The current event's code, and whether an end packet of it was seen. */
    private int event;
    private boolean ended;

    /** @param sink hears each key press; called on the packet thread, so it must only hand the digit on */
    public DtmfReceiver(Consumer<DtmfTone> sink) {
        this.sink = sink;
    }

    /** Judges one parsed telephone-event packet whose bytes are in {@code buf}. */
    public Verdict onPacket(RtpPacket packet, byte[] buf) {
        if (packet.payloadLength() < TelephoneEvent.BYTES) {
            return Verdict.MALFORMED;
        }
        int off = packet.payloadOffset();
        int code = TelephoneEvent.event(buf, off);
        boolean end = TelephoneEvent.end(buf, off);
        int ts = packet.timestamp();
        if (started && packet.ssrc() == ssrc) {
            if (ts == timestamp) {
                ended |= end;
                return Verdict.REPEAT; // the same event: an update, an end packet, a duplicate
            }
            if (ts - timestamp < 0) {
                return Verdict.REPEAT; // an older event arriving late
            }
            if (code == event && !ended && !packet.marker() && nextSegment(ts - timestamp)) {
                timestamp = ts; // the same key, still held: its next segment
                ended = end;
                return Verdict.REPEAT;
            }
        }
        DtmfTone tone = DtmfTone.ofCode(code);
        if (tone == null) {
            return Verdict.NOT_DTMF;
        }
        started = true;
        ssrc = packet.ssrc();
        timestamp = ts;
        event = code;
        ended = end;
        sink.accept(tone);
        return Verdict.DIGIT;
    }

    /** Whether a timestamp this far after the current event's is where its next segment starts. */
    private static boolean nextSegment(int distance) {
        return Math.abs(distance - MAX_SEGMENT) <= SEGMENT_SLACK;
    }
}
