package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;

import java.util.Locale;

/**
 * Graph's {@code recordingStatus} as {@code updateRecordingStatus} accepts it: the three values the docs allow
 * ({@code unknown} and {@code unknownFutureValue} are CSDL members a bot cannot meaningfully set). Written in CSDL
 * casing, read in any.
 */
public enum RecordingStatus {
    NOT_RECORDING("notRecording"),
    RECORDING("recording"),
    FAILED("failed");

    private final String wireName;

    RecordingStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @throws SwitchboardException BAD_REQUEST for a missing or unknown value, naming the accepted ones */
    public static RecordingStatus parse(String value) {
        if (value != null) {
            String lower = value.toLowerCase(Locale.ROOT);
            for (RecordingStatus s : values()) {
                if (s.wireName.toLowerCase(Locale.ROOT).equals(lower)) {
                    return s;
                }
            }
        }
        throw SwitchboardException.badRequest("status must be one of notRecording, recording, failed"
                + (value == null ? "." : ", not '" + value + "'."));
    }
}
