package dev.switchboard.core;

/** The states a bot's call goes through here, with their Graph wire names ({@code callState}). */
public enum CallState {
    ESTABLISHING("establishing"),
    ESTABLISHED("established"),
    TERMINATING("terminating"),
    TERMINATED("terminated"),
    /** An incoming call ringing at the bot, not yet answered, rejected or redirected (docs/inbound-calls.md). */
    INCOMING("incoming"),
    /** A blind transfer is under way; the call still carries audio. */
    TRANSFERRING("transferring"),
    /** The transfer target answered; the bot's call is about to end with 7015. */
    TRANSFER_ACCEPTED("transferAccepted");

    private final String wireName;

    CallState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
