package dev.switchboard.notify;

/** A notification request that must not be trusted; the message says why (never contains the token). */
public final class NotificationVerificationException extends Exception {
    public NotificationVerificationException(String message) {
        super(message);
    }

    public NotificationVerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
