package dev.switchboard.media.ivr;

import dev.switchboard.media.codec.AudioCodec;

/**
 * Hold music for one participant: its prompt in a loop, which that participant hears instead of the call. Tells
 * its listener once: {@link Ending#COMPLETED} when the music starts, or {@link Ending#PROMPT_FAILED} (the participant
 * then stays held and hears silence). Mixer thread, apart from construction and {@link #stop}.
 */
final class HoldLoop {
    private static final short[] SILENCE = new short[AudioCodec.MIX_FRAME];
    final String participantId;
    /** The bot that put the participant on hold (its call's id; null: the call's only one). */
    private final String owner;
    private final ClipPlayer player;
    private final JobListener listener;
    /** Its own frame: a held participant's music is sent after the tick's prompt frame was mixed. */
    private final short[] frame = new short[AudioCodec.MIX_FRAME];
    private final java.util.concurrent.atomic.AtomicBoolean told = new java.util.concurrent.atomic.AtomicBoolean();
    private short[] current = SILENCE;

    HoldLoop(String owner, String participantId, PromptSlot prompt, JobListener listener) {
        this.owner = owner;
        this.participantId = participantId;
        this.player = new ClipPlayer(new PromptSlot[] {prompt}, true);
        this.listener = listener;
    }

    /** Moves on by one frame (once per tick). */
    void advance() {
        String failure = player.failure();
        if (failure != null) {
            tell(Ending.PROMPT_FAILED, failure);
            current = SILENCE;
            return;
        }
        short[] f = player.next(frame);
        if (f != null) {
            tell(Ending.COMPLETED, null);
        }
        current = f == null ? SILENCE : f;
    }

    boolean ownedBy(String bot) {
        return java.util.Objects.equals(owner, bot);
    }

    short[] frame() {
        return current;
    }

    /**
     * Ends it: tells {@code why} if nothing was told yet (stopped, or the call ended, before the music started), and
     * gives back the memory its music holds.
     */
    void stop(Ending why) {
        player.release();
        tell(why, null);
    }

    private void tell(Ending e, String failure) {
        if (told.compareAndSet(false, true)) {
            listener.finished(new JobResult(e, failure, null));
        }
    }
}
