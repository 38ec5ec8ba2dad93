package dev.switchboard.media.ivr;

/**
 * One prompt of a job, filled in by whoever fetches and decodes it (another thread) and read by the mixer thread:
 * until it is ready or failed the job waits, sending silence, so a prompt never plays ahead of one queued before it.
 * Thread-safe (volatile hand-off).
 */
public final class PromptSlot {
    private volatile PcmClip clip;
    private volatile String failure;

    /** A slot that is ready already (a cached prompt, the beep). */
    public static PromptSlot of(PcmClip clip) {
        PromptSlot s = new PromptSlot();
        s.ready(clip);
        return s;
    }

    public void ready(PcmClip value) {
        clip = value;
    }

    /** The prompt could not be fetched or decoded; the job fails with {@code why} when it reaches it. */
    public void failed(String why) {
        failure = why;
    }

    PcmClip clip() {
        return clip;
    }

    String failure() {
        return failure;
    }
}
