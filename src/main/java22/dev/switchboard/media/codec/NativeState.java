package dev.switchboard.media.codec;

import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;

/**
 * The native memory of one libopus codec: a shared {@link Arena} holding its libopus state (whose cleanup calls
 * {@code opus_*_destroy}) and its PCM and packet buffers. Closed by the codec's {@code close()} when its leg ends, or
 * by a {@link Cleaner} when the codec is collected without it, so a state is never leaked. A downcall in flight keeps
 * the arena open (the FFM API acquires a segment's scope for the call), so closing it from another thread cannot free
 * memory libopus is using: the close then retries briefly.
 */
final class NativeState {
    private static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread t = new Thread(runnable, "libopus-cleaner");
        t.setDaemon(true);
        return t;
    });

    private final Cleaner.Cleanable cleanable;

    NativeState(Object owner, Arena arena) {
        this.cleanable = CLEANER.register(owner, new Closer(arena));
    }

    /** Frees the memory now (idempotent). */
    void close() {
        cleanable.clean();
    }

    /** Holds only the arena, never the codec, so the codec can become unreachable. */
    private record Closer(Arena arena) implements Runnable {
        @Override
        public void run() {
            for (int attempt = 0; attempt < 200; attempt++) {
                try {
                    arena.close();
                    return;
                } catch (IllegalStateException inUse) { // a downcall on another thread holds it: it ends within a frame
                    if (!arena.scope().isAlive()) {
                        return;
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
