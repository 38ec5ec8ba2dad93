package dev.switchboard.media.ivr;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One prompt of a job, filled in by whoever fetches and decodes it (another thread) and read by the mixer thread:
 * until it is ready or failed the job waits, sending silence, so a prompt never plays ahead of one queued before it.
 *
 * <p>A clip may come with a claim on {@link PromptMemory} (the {@code release} given to {@link #ready(PcmClip, Runnable)}).
 * The job, or the hold, that plays the slot {@link #release releases} it when it is over; a clip that arrives after
 * that is released at once. Each claim is given back exactly once. Thread-safe (volatile and atomic hand-offs).
 */
public final class PromptSlot {
    private static final Runnable NOTHING = () -> { };
    /** Marks a slot released before its clip came. */
    private static final Runnable GONE = () -> { };
    private volatile PcmClip clip;
    private volatile String failure;
    /** null until a clip comes; then the claim to give back; {@link #GONE} once given back. */
    private final AtomicReference<Runnable> claim = new AtomicReference<>();

    /** A slot that is ready already with a clip that holds no claim (the beep, the built-in hold music). */
    public static PromptSlot of(PcmClip clip) {
        PromptSlot s = new PromptSlot();
        s.ready(clip, NOTHING);
        return s;
    }

    /** The clip is here; {@code release} gives back its claim on prompt memory (run once, by {@link #release}). */
    public void ready(PcmClip value, Runnable release) {
        if (!claim.compareAndSet(null, release)) { // released before it came (the job was cancelled, the call ended)
            release.run();
            return;
        }
        clip = value;
    }

    /** The prompt could not be fetched or decoded; the job fails with {@code why} when it reaches it. */
    public void failed(String why) {
        failure = why;
    }

    /** The slot is no longer needed: its clip's claim is given back now, or as soon as the clip comes. */
    public void release() {
        Runnable r = claim.getAndSet(GONE);
        if (r != null && r != GONE) {
            r.run();
        }
    }

    PcmClip clip() {
        return clip;
    }

    /** Why the prompt could not be had, or null (ready, or still coming). */
    public String failure() {
        return failure;
    }
}
