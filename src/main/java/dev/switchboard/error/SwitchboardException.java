package dev.switchboard.error;

/**
 * The one error type of Switchboard. Its message is written for the API's client and is sent on the
 * wire as the Graph error {@code message}: never put internal exception text or secrets in it.
 */
public final class SwitchboardException extends RuntimeException {
    private final ErrorCode code;
    private final java.time.Duration retryAfter;

    public SwitchboardException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /**
     * @param retryAfter how long the client should wait before trying again (sent as {@code Retry-After}), or null
     *                   for the default of the code (429 and 503 always carry one)
     */
    public SwitchboardException(ErrorCode code, String message, java.time.Duration retryAfter) {
        super(message, null, false, false);
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public ErrorCode code() {
        return code;
    }

    /** The wait this failure asks the client for, or null when it named none. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    public static SwitchboardException notFound(String what) {
        return new SwitchboardException(ErrorCode.ITEM_NOT_FOUND, what + " was not found.");
    }

    /** No such call for the asker: the one answer for an unknown id, another app's call and a call that ended. */
    public static SwitchboardException callNotFound(String callId) {
        return notFound("Call '" + callId + "'");
    }

    public static SwitchboardException badRequest(String message) {
        return new SwitchboardException(ErrorCode.BAD_REQUEST, message);
    }
}
