package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;

import java.util.Locale;

/**
 * {@code operationStatus}. Written as the CSDL enum members ({@code Completed}), because the official SDKs
 * accept only those and turn the docs' lower-case {@code completed} into null; read in any casing.
 */
public enum OperationStatus {
    NOT_STARTED("NotStarted"),
    RUNNING("Running"),
    COMPLETED("Completed"),
    FAILED("Failed");

    private final String wireName;

    OperationStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * @return the status named by {@code value} in any casing ({@code completed}, {@code Completed}, {@code COMPLETED})
     * @throws SwitchboardException BAD_REQUEST for an unknown name
     */
    public static OperationStatus parse(String value) {
        String lower = value == null ? "" : value.toLowerCase(Locale.ROOT);
        for (OperationStatus s : values()) {
            if (s.wireName.toLowerCase(Locale.ROOT).equals(lower)) {
                return s;
            }
        }
        throw SwitchboardException.badRequest("Unknown operation status '" + value
                + "'; expected one of NotStarted, Running, Completed, Failed.");
    }
}
