package dev.switchboard.media.ivr;

import dev.switchboard.media.codec.AudioCodec;

/**
 * Plays prompt slots one after another in 20 ms frames at the mix rate, waiting (silence) while the next one is still
 * being fetched. Mixer thread only (apart from {@link #release}); it renders into the frame it is given and allocates
 * nothing, so a queued job holds no audio buffer of its own.
 */
final class ClipPlayer {
    private final PromptSlot[] slots;
    private final boolean loop;
    private int index;
    private long position;

    ClipPlayer(PromptSlot[] slots, boolean loop) {
        this.slots = slots.clone();
        this.loop = loop;
    }

    /** Every slot played (never for a loop). */
    boolean done() {
        return index >= slots.length;
    }

    /** The failure of the slot it is at, or null. */
    String failure() {
        return done() ? null : slots[index].failure();
    }

    /** The clip it is waiting for has arrived (or it is done). */
    boolean started() {
        return done() || slots[index].clip() != null;
    }

    /** Gives back every slot's claim on prompt memory (the job or hold it plays for is over). Any thread, idempotent. */
    void release() {
        for (PromptSlot s : slots) {
            s.release();
        }
    }

    /**
     * The next frame, rendered into {@code frame} (of {@link AudioCodec#MIX_FRAME} samples), or null while waiting,
     * failed or done.
     */
    short[] next(short[] frame) {
        if (done()) {
            return null;
        }
        PromptSlot slot = slots[index];
        PcmClip clip = slot.clip();
        if (clip == null || !slot.play()) { // still coming, or it gave way (its failure ends the job)
            return null;
        }
        position += clip.render(position, frame);
        if (position >= clip.length()) {
            position = 0;
            if (!loop) {
                index++;
            }
        }
        return frame;
    }
}
