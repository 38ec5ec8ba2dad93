package dev.switchboard.core;

import java.util.function.LongConsumer;

/**
 * What one prompt download holds in prompt memory: each array it keeps is taken (for its tenant, by the
 * {@link PromptCache}) before it is made, and the total given back once the prompt is decoded or failed. A download
 * that timed out may still be receiving when its fetch has returned; once closed, it is refused more (so nothing it
 * takes later is left unaccounted). Thread-safe (the fetch's thread, and the worker that closes it).
 */
final class PromptDownload {
    private final LongConsumer take;
    private long taken;
    private boolean closed;

    /** @param take takes bytes of prompt memory, or throws (the download stops) */
    PromptDownload(LongConsumer take) {
        this.take = take;
    }

    synchronized void take(long n) {
        if (closed) {
            throw new IllegalStateException("the download was abandoned");
        }
        take.accept(n);
        taken += n;
    }

    /** Refuses anything more; what it took, to give back. */
    synchronized long close() {
        closed = true;
        return taken;
    }
}
