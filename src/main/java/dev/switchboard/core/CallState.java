package dev.switchboard.core;

/** The states a bot's call goes through here, with their Graph wire names ({@code callState}). */
public enum CallState {
    ESTABLISHING("establishing"),
    ESTABLISHED("established"),
    TERMINATING("terminating"),
    TERMINATED("terminated");

    private final String wireName;

    CallState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
