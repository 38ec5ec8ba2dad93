package dev.switchboard.notify;

/** Where the call engine puts the notifications for bots. Implementations never block the caller on I/O. */
public interface NotificationSink {

    /** Queues a notification for delivery; returns at once. */
    void enqueue(OutboundNotification notification);
}
