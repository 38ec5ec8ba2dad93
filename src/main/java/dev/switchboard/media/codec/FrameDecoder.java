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

    /** Forgets all history, e.g. after a mute or an SSRC change. */
    void reset();
}
