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

    private final Consumer<DtmfTone> sink;
    private boolean started;
    private int ssrc;
    private int timestamp;

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
        DtmfTone tone = DtmfTone.ofCode(TelephoneEvent.event(buf, off));
        int ts = packet.timestamp();
        if (started && packet.ssrc() == ssrc && ts - timestamp <= 0) {
            return Verdict.REPEAT; // the same event (equal timestamp) or an older one arriving late
        }
        if (tone == null) {
            return Verdict.NOT_DTMF;
        }
        started = true;
        ssrc = packet.ssrc();
        timestamp = ts;
        sink.accept(tone);
        return Verdict.DIGIT;
    }
}
