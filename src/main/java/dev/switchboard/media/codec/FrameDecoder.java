package dev.switchboard.media.codec;

/**
 * Turns one leg's RTP payloads into 20 ms of 48 kHz mono PCM. Stateful, one per stream; used by one
 * thread at a time (the mixer thread of the leg's room). Never throws on bad payloads.
 */
public interface FrameDecoder {

    /**
     * Decodes a payload into {@code pcm[0..960)}; shorter content is padded with silence, longer is cut.
     *
     * @return true if {@code pcm} holds decoded audio, false if the payload was undecodable (pcm is then concealed)
     */
    boolean decode(byte[] payload, int offset, int length, short[] pcm);

    /** Fills {@code pcm[0..960)} with a concealment of one lost frame. */
    void conceal(short[] pcm);

    /**
     * Like {@link #decode} but into {@code pcm[0..160)} at 8 kHz, for a narrowband codec ({@link AudioCodec#narrowband()})
     * in a room mixing at 8 kHz. The decoder's state follows, so the next frame may be decoded at either rate.
     *
     * @throws UnsupportedOperationException for a codec that is not narrowband
     */
    default boolean decodeNarrow(byte[] payload, int offset, int length, short[] pcm) {
        throw new UnsupportedOperationException("not a narrowband codec");
    }

    /** Like {@link #conceal} at 8 kHz ({@link #decodeNarrow}). */
    default void concealNarrow(short[] pcm) {
        throw new UnsupportedOperationException("not a narrowband codec");
    }

    /** Forgets all history, e.g. after a mute or an SSRC change. */
    void reset();

    /**
     * Frees what the decoder holds outside the heap (libopus' native state) now rather than when it is collected.
     * Idempotent; after it the decoder only conceals with silence. Safe to call from another thread, like
     * {@link FrameEncoder#close}.
     */
    default void close() {
    }
}
