package dev.switchboard.notify;

/** Where the call engine puts the notifications for bots. Implementations never block the caller on I/O. */
public interface NotificationSink {

    /** Queues a notification for delivery; returns at once. */
    void enqueue(OutboundNotification notification);

    /**
     * Runs {@code action} once every notification queued so far for {@code callId} is delivered or given up (at once
     * when none is pending). Used to keep a crash-lost call in the journal until its bot has heard of it. The action
     * runs on a notifier thread and must not block; it does not run if the sink shuts down first.
     */
    default void whenSettled(String callId, Runnable action) {
        action.run();
    }
}
