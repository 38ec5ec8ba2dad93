package dev.switchboard.media;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One leg's counters, each also added to the engine's totals ({@link MediaCounters}). Written by the packet and
 * mixer threads without locks or allocation; read by any thread as a {@link LegStats} snapshot.
 */
final class LegCounters implements DropSink {
    private static final DropReason[] REASONS = DropReason.values();

    private final MediaCounters engine;
    private final AtomicLongArray dropped = new AtomicLongArray(REASONS.length);
    private final LongAdder packetsIn = new LongAdder();
    private final LongAdder packetsOut = new LongAdder();
    private final LongAdder framesMixed = new LongAdder();
    private final LongAdder packetsWithheld = new LongAdder();
    private final LongAdder mixedAfterServerMute = new LongAdder();
    private final LongAdder mixedAfterClientMute = new LongAdder();
    private final LongAdder dtmfDigitsIn = new LongAdder();

    LegCounters(MediaCounters engine) {
        this.engine = engine;
    }

    void packetIn() {
        packetsIn.increment();
        engine.packetsIn.increment();
    }

    void packetOut() {
        packetsOut.increment();
        engine.packetsOut.increment();
    }

    /** A packet the mixer did not send because the leg's peer has not sent valid RTP or RTCP yet. */
    void packetWithheld() {
        packetsWithheld.increment();
        engine.packetsWithheld.increment();
    }

    /** An RFC 4733 telephone-event packet received (any: first, update, redundant end, duplicate). */
    void dtmfPacketIn() {
        engine.dtmfPacketsIn.increment();
    }

    /** A key press recognised (one per event, however many packets carried it). */
    void dtmfDigitIn() {
        dtmfDigitsIn.increment();
        engine.dtmfDigitsIn.increment();
    }

    /** Key presses this leg received. */
    long dtmfDigitsIn() {
        return dtmfDigitsIn.sum();
    }

    /** A telephone-event packet sent in the place of an audio frame. */
    void dtmfPacketOut() {
        engine.dtmfPacketsOut.increment();
    }

    void rtcpIn() {
        engine.rtcpIn.increment();
    }

    @Override
    public void drop(DropReason reason, long n) {
        if (n > 0) {
            dropped.addAndGet(reason.ordinal(), n);
            engine.drop(reason, n);
        }
    }

    void frameMixed() {
        framesMixed.increment();
    }

    /** An audible frame left out of the mix: the room's loudest voices held every seat. */
    void frameOutvoiced() {
        engine.framesOutvoiced.increment();
    }

    /** A frame of the leg was mixed after its server (or client) mute had returned: a leak, must never happen. */
    void mixedAfterMute(boolean server) {
        (server ? mixedAfterServerMute : mixedAfterClientMute).increment();
        engine.mixedAfterMute.increment();
    }

    LegStats snapshot(String participantId, int localPort, dev.switchboard.media.codec.AudioCodec codec,
                      long framesConcealed, boolean serverMuted, boolean clientMuted) {
        Map<DropReason, Long> d = new EnumMap<>(DropReason.class);
        for (DropReason r : REASONS) {
            d.put(r, dropped.get(r.ordinal()));
        }
        return new LegStats(participantId, localPort, codec, packetsIn.sum(), packetsOut.sum(), packetsWithheld.sum(),
                framesMixed.sum(), framesConcealed, d, mixedAfterServerMute.sum(), mixedAfterClientMute.sum(), serverMuted, clientMuted);
    }
}
