package dev.switchboard.notify;

/**
 * Hears how each webhook POST went (the dashboard's delivery history). Called on the notifier's delivery chains (virtual threads) after
 * each attempt's outcome is known, never under a lock of the notifier and never on the caller of
 * {@link NotificationSink#enqueue}; an implementation must return quickly and must not block (copy, queue, return).
 * The notifier reports nothing when no observer is set, so delivery costs the same as without one.
 */
@FunctionalInterface
public interface DeliveryObserver {
    /** The observer that hears nothing. */
    DeliveryObserver NONE = report -> { };

    void observe(DeliveryReport report);
}
