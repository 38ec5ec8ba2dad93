package dev.switchboard.notify;

/**
 * Where a call's webhook sequence numbers ({@link WebhookNotifier#SEQUENCE_HEADER}) are kept beyond this process.
 * On one server they live only in the notifier ({@link #LOCAL}); in cluster mode the owner writes each number ahead
 * of sending it, so that a node which takes a dead node's call over continues the call's numbering
 * (docs/cluster.md, "Webhook sequence numbers").
 *
 * <p>Thread-safe. {@link #firstSequence} is called when the notifier makes a call's queue (on the caller of
 * {@code enqueue}: must not block); {@link #reserve} on a notifier delivery chain (a virtual thread) before a POST's first attempt (may do one
 * short I/O round trip, must not throw).
 */
public interface SequenceStore {
    /** Numbers start at 1 and are kept nowhere else. */
    SequenceStore LOCAL = new SequenceStore() {
        @Override
        public long firstSequence(String callId) {
            return 1;
        }

        @Override
        public void reserve(String callId, long sequence) {
        }
    };

    /** The number of the first POST of a call the notifier has no queue for: 1, unless it continues another node's. */
    long firstSequence(String callId);

    /** The POST numbered {@code sequence} of {@code callId} is about to be sent for the first time. */
    void reserve(String callId, long sequence);
}
