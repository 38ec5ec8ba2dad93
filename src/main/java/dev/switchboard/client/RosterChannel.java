package dev.switchboard.client;

/**
 * One participant's connection that receives roster messages (a WebSocket session in production).
 * {@link #send} is asynchronous: exactly one of the callbacks runs when the message is written or failed.
 */
public interface RosterChannel {

    void send(String message, Runnable onSent, java.util.function.Consumer<Throwable> onFailed);

    /** Closes the connection with a WebSocket close code and reason. */
    void close(int code, String reason);
}
