package dev.switchboard.client;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.util.function.Consumer;

/** A roster channel over a Jetty WebSocket session: asynchronous text frames. */
final class WebSocketRosterChannel implements RosterChannel {
    private final Session session;

    WebSocketRosterChannel(Session session) {
        this.session = session;
    }

    @Override
    public void send(String message, Runnable onSent, Consumer<Throwable> onFailed) {
        if (!session.isOpen()) {
            onFailed.accept(new IllegalStateException("closed"));
            return;
        }
        session.sendText(message, Callback.from(onSent, onFailed));
    }

    @Override
    public void close(int code, String reason) {
        if (session.isOpen()) {
            session.close(code, reason, Callback.NOOP);
        }
    }
}
