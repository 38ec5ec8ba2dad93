package dev.switchboard.media.ivr;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One entry of a call's media queue (a playPrompt or a recordResponse). The mixer thread runs the job at the head
 * of the queue one 20 ms frame at a time; it ends exactly once, telling its {@link JobListener}.
 */
public abstract sealed class MediaJob permits PlayJob, RecordJob {
    private final JobListener listener;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Position in the call's queue (set when queued); cancel requests cancel every job up to a position. */
    long sequence;
    /** The bot that asked for it (its call's id; null: the call's only one), set when queued. */
    String owner;

    MediaJob(JobListener listener) {
        this.listener = listener;
    }

    /**
     * This tick's voice of the job (a prompt frame rendered into {@code out}), or null for silence. May end the job.
     * Mixer thread.
     */
    abstract short[] frame(short[] out);

    /** Ends the job with {@code ending} unless it ended already; its prompts' memory is given back. */
    final void end(Ending ending, String failure) {
        if (ended.compareAndSet(false, true)) {
            releasePrompts();
            listener.finished(new JobResult(ending, failure, recording(ending)));
        }
    }

    final boolean ended() {
        return ended.get();
    }

    /** Gives back the memory its prompts hold (once, when it ends). */
    abstract void releasePrompts();

    /** What a record job captured when it ends with {@code ending}; null for a play job. */
    SpooledRecording recording(Ending ending) {
        return null;
    }
}
