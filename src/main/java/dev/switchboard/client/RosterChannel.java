package dev.switchboard.client;

import java.util.function.Consumer;

/**
 * One participant's connection that receives roster messages: a WebSocket in production, a fake in tests.
 * {@link #send} never blocks: exactly one of the callbacks runs when the message is written or failed, possibly
 * inside {@code send} on the calling thread.
 */
interface RosterChannel {

    void send(RosterMessage message, Runnable onSent, Consumer<Throwable> onFailed);

    /** Starts the closing handshake with a WebSocket close code and reason (queued behind a write in progress). */
    void close(int code, String reason);

    /** Drops the connection without a handshake (for a peer that cannot even take the close frame). */
    void disconnect();
}
