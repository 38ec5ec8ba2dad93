package dev.switchboard.media;

/**
 * Where a pipeline stage counts what it drops. Implementations add to lock-free counters and never allocate:
 * called on the packet thread, the mixer thread and (for frames a mute flushes) request threads.
 */
@FunctionalInterface
public interface DropSink {
    /** Counts {@code n} packets or frames (n ≥ 0) dropped for {@code reason}. */
    void drop(DropReason reason, long n);
}
