package dev.switchboard.notify;

/** What a notification is about; decides its {@code resourceUrl} and whether it may be coalesced. */
public enum NotificationKind {
    /** A call-state change on {@code /communications/calls/{id}}. */
    CALL_STATE,
    /** A roster change on {@code /communications/calls/{id}/participants}; a newer full roster may replace an undelivered older one. */
    ROSTER,
    /** An asynchronous operation finished, on {@code /communications/calls/{id}/operations/{opId}}. */
    OPERATION
}
