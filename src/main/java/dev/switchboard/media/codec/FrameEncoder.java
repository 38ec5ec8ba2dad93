package dev.switchboard.media.codec;

/**
 * Turns 20 ms of 48 kHz mono PCM into one RTP payload. Stateful (Opus; G.711's resampling filter), one per outgoing stream;
 * used by one thread at a time (the mixer thread). Never allocates per frame.
 */
public interface FrameEncoder {

    /** Largest payload this encoder writes. */
    int maxPayloadBytes();

    /**
     * Encodes {@code pcm[0..960)} into {@code out[offset..)}.
     *
     * @return the payload length, or -1 if the frame could not be encoded (the caller sends nothing)
     */
    int encode(short[] pcm, byte[] out, int offset);

    /**
     * Like {@link #encode} from {@code pcm[0..160)} at 8 kHz, for a narrowband codec ({@link AudioCodec#narrowband()}).
     *
     * @throws UnsupportedOperationException for a codec that is not narrowband
     */
    default int encodeNarrow(short[] pcm, byte[] out, int offset) {
        throw new UnsupportedOperationException("not a narrowband codec");
    }

    /**
     * The next {@link #encode} does not continue the last one: the frames in between went out from another encoder
     * (the room's shared one, a leg's own), at 8 kHz ({@link #encodeNarrow}), as key-press events, or not at all. A
     * G.711 encoder then starts its resampling filter afresh from that frame instead of from the stale samples it
     * kept; Opus ignores it (its decoder sees a switch of encoder as an SFU's speaker switch).
     */
    default void discontinuity() {
    }

    /**
     * Forgets everything encoded so far (a mute: docs/media.md, "The zero-leak rule"): the next {@link #encode} starts
     * as a new encoder's first would, so no payload from then on carries any of the audio given before. G.711 starts
     * its resampling filter afresh as after {@link #discontinuity()}; Opus resets its state (CELT's overlap,
     * pre-emphasis and pitch pre-filter memory, the delay-compensation buffer, SILK's), keeping its settings. Not per
     * frame: only when a mute was announced.
     */
    default void restart() {
        discontinuity();
    }

    /**
     * Frees what the encoder holds outside the heap (libopus' native state) now rather than when it is collected.
     * Idempotent; after it {@link #encode} returns -1. Safe to call from another thread (a concurrent encode either
     * completes or fails cleanly; the state is then freed when the encoder is collected).
     */
    default void close() {
    }
}
