package dev.switchboard.media.ivr;

/**
 * Told once when a media job ends. Called on the mixer thread (or on the thread closing the room), so it must not
 * block, lock or do I/O: hand the result to another thread.
 */
@FunctionalInterface
public interface JobListener {
    void finished(JobResult result);
}
