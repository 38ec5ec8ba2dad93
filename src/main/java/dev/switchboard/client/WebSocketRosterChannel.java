package dev.switchboard.client;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A roster channel over a Jetty WebSocket session: asynchronous text frames. The shared UTF-8 bytes of a roster
 * message go out as they are (a fresh {@link ByteBuffer} view per write, no copy), through Jetty's core session
 * when the session is Jetty's own implementation, which it is under Javalin; any other session gets a String.
 */
final class WebSocketRosterChannel implements RosterChannel {
    private final Session session;
    private final CoreSession core;

    WebSocketRosterChannel(Session session) {
        this.session = session;
        this.core = session instanceof WebSocketSession jetty ? jetty.getCoreSession() : null;
    }

    @Override
    public void send(RosterMessage message, Runnable onSent, Consumer<Throwable> onFailed) {
        if (!session.isOpen()) {
            onFailed.accept(new IllegalStateException("closed"));
            return;
        }
        if (core != null) {
            Frame frame = new Frame(OpCode.TEXT, ByteBuffer.wrap(message.utf8()));
            core.sendFrame(frame, org.eclipse.jetty.util.Callback.from(onSent, onFailed), false);
        } else {
            session.sendText(message.text(), Callback.from(onSent, onFailed));
        }
    }

    @Override
    public void close(int code, String reason) {
        if (session.isOpen()) {
            session.close(code, reason, Callback.NOOP);
        }
    }

    @Override
    public void disconnect() {
        session.disconnect();
    }
}
