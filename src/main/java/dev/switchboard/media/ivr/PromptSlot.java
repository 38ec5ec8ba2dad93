package dev.switchboard.media.ivr;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One prompt of a job, filled in by whoever fetches and decodes it (another thread) and read by the mixer thread:
 * until it is ready or failed the job waits, sending silence, so a prompt never plays ahead of one queued before it.
 *
 * <p>A clip may come with a claim on {@link PromptMemory} (the {@code release} given to {@link #ready(PcmClip, Runnable)}).
 * The job, or the hold, that plays the slot {@link #release releases} it when it is over; a clip that arrives after
 * that is released at once. Each claim is given back exactly once.
 *
 * <p>A slot is queued until its player first renders it ({@link #play}, mixer thread); a queued slot may instead
 * {@link #giveWay} (its claim given back so that another tenant's prompt fits): it then holds no clip and fails with
 * the reason when its job reaches it. One compare-and-set decides which of the two happens, so a prompt that plays is
 * never taken away. Thread-safe (volatile and atomic hand-offs).
 */
public final class PromptSlot {
    private static final Runnable NOTHING = () -> { };
    /** Marks a slot released before its clip came. */
    private static final Runnable GONE = () -> { };
    private static final int QUEUED = 0;
    private static final int PLAYING = 1;
    private static final int GAVE_WAY = 2;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    /** Why it gave way (read only once it has). */
    private volatile String gaveWay;
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

    /**
     * Its clip is to be given back so that another tenant's prompt fits: unless it has started playing, it gives its
     * claim back now and fails with {@code why} when its job reaches it. Any thread.
     *
     * @return whether it gave way (false: it plays, or gave way already)
     */
    public boolean giveWay(String why) {
        gaveWay = why;
        if (!state.compareAndSet(QUEUED, GAVE_WAY)) {
            return false;
        }
        clip = null;
        release();
        return true;
    }

    /** Not played yet and not given way. */
    public boolean queued() {
        return state.get() == QUEUED;
    }

    /** Its player is about to render it: from now on it cannot give way. False if it gave way. Mixer thread. */
    boolean play() {
        return state.get() == PLAYING || state.compareAndSet(QUEUED, PLAYING);
    }

    PcmClip clip() {
        return clip;
    }

    /** Why the prompt could not be had, or null (ready, or still coming). */
    public String failure() {
        return state.get() == GAVE_WAY ? gaveWay : failure;
    }
}
