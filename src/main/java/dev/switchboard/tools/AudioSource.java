package dev.switchboard.tools;

/** Where a participant's outgoing audio comes from: 16-bit mono PCM at a fixed sample rate. */
public interface AudioSource {

    int sampleRate();

    /**
     * Fills {@code frame} with the next samples.
     *
     * @return false when the source is exhausted (the frame is then silence)
     */
    boolean nextFrame(short[] frame);
}
