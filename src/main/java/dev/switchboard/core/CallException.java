package dev.switchboard.core;

/**
 * The one error type of Switchboard. Its message is written for the API's client and is sent on the
 * wire as the Graph error {@code message}: never put internal exception text or secrets in it.
 */
public final class CallException extends RuntimeException {
    private final ErrorCode code;

    public CallException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static CallException notFound(String what) {
        return new CallException(ErrorCode.ITEM_NOT_FOUND, what + " was not found.");
    }

    public static CallException badRequest(String message) {
        return new CallException(ErrorCode.BAD_REQUEST, message);
    }
}
