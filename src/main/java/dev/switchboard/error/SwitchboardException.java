package dev.switchboard.error;

/**
 * The one error type of Switchboard. Its message is written for the API's client and is sent on the
 * wire as the Graph error {@code message}: never put internal exception text or secrets in it.
 */
public final class SwitchboardException extends RuntimeException {
    private final ErrorCode code;

    public SwitchboardException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static SwitchboardException notFound(String what) {
        return new SwitchboardException(ErrorCode.ITEM_NOT_FOUND, what + " was not found.");
    }

    public static SwitchboardException badRequest(String message) {
        return new SwitchboardException(ErrorCode.BAD_REQUEST, message);
    }
}
