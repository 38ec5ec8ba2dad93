package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;

import java.util.Locale;

/** Graph's {@code rejectReason}, with the end reason the caller's leg reports for each (docs/inbound-calls.md). */
public enum RejectReason {
    NONE("none", ResultInfo.REJECTED),
    BUSY("busy", ResultInfo.REJECTED_BUSY),
    FORBIDDEN("forbidden", ResultInfo.REJECTED_FORBIDDEN);

    private final String wireName;
    private final ResultInfo result;

    RejectReason(String wireName, ResultInfo result) {
        this.wireName = wireName;
        this.result = result;
    }

    public String wireName() {
        return wireName;
    }

    /** Why the call ended, for the bot's {@code terminated} notification and the caller's leg. */
    public ResultInfo result() {
        return result;
    }

    /**
     * Reads a reason in any casing ({@code busy}, {@code Busy}); null means {@code none}.
     *
     * @throws SwitchboardException BAD_REQUEST for anything else
     */
    public static RejectReason parse(String value) {
        if (value == null) {
            return NONE;
        }
        for (RejectReason r : values()) {
            if (r.wireName.equals(value.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw SwitchboardException.badRequest("'reason' must be none, busy or forbidden, not '" + value + "'.");
    }
}
