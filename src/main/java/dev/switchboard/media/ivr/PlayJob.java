package dev.switchboard.media.ivr;

import java.util.List;

/** A playPrompt: its prompts in order, heard by every participant of the call. */
public final class PlayJob extends MediaJob {
    private final ClipPlayer player;

    public PlayJob(List<PromptSlot> prompts, JobListener listener) {
        super(listener);
        this.player = new ClipPlayer(prompts.toArray(PromptSlot[]::new), false);
    }

    @Override
    void releasePrompts() {
        player.release();
    }

    @Override
    short[] frame(short[] out) {
        String failure = player.failure();
        if (failure != null) {
            end(Ending.PROMPT_FAILED, failure);
            return null;
        }
        short[] f = player.next(out);
        if (player.done()) {
            end(Ending.COMPLETED, null);
        }
        return f;
    }
}
