package dev.switchboard.tools;

/** A failure of a command-line tool, with a one-line message for the user and the exit code to end with. */
public final class ToolException extends RuntimeException {
    /** The server could not be reached or answered in a way the tool does not understand. */
    public static final int UNAVAILABLE = 69;
    /** The server refused the request (bad id, no permission, bad input). */
    public static final int REFUSED = 65;
    /** A local problem: missing file, port in use. */
    public static final int LOCAL = 74;
    /** Bad usage: an unknown flag, a bad value, a wrong setting. */
    public static final int USAGE = 2;
    /** The demo ran but a step did not behave. */
    public static final int CHECK_FAILED = 1;

    private final int exitCode;

    public ToolException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
