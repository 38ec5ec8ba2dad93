package dev.switchboard.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.core.Caller;
import dev.switchboard.graph.CallJson;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users' ring streams (docs/inbound-calls.md): a user with {@code /client/v1/ring} open hears every call that rings
 * them ({@code ringing}) and how each ring ended ({@code answered}, {@code cancelled}, {@code declined}). As a
 * {@link CallEventSink} it hears {@link CallEvent.Ringing} and {@link CallEvent.RingEnded} and writes one small text
 * frame per open stream of that user, asynchronously (Jetty queues the frame; nothing blocks the engine's thread).
 *
 * The same messages also go to every roster stream the rung user has open (on other calls: a user in a call hears
 * that another call rings them), through {@link RosterStreams#toUser}.
 *
 * <p>Thread-safe: streams open and close on WebSocket callbacks, events arrive on whatever thread changed a call.
 */
public final class RingStreams implements CallEventSink {
    private final Map<String, Set<Session>> streams = new ConcurrentHashMap<>();
    private final RosterStreams rosterStreams;

    /** @param rosterStreams where the rung user's roster streams are, or null for ring streams only */
    public RingStreams(RosterStreams rosterStreams) {
        this.rosterStreams = rosterStreams;
    }

    /** Ring streams only. */
    public RingStreams() {
        this(null);
    }

    /** A user's stream opened. */
    void opened(Caller user, Session session) {
        streams.computeIfAbsent(key(user.tenantId(), user.userId()), k -> ConcurrentHashMap.newKeySet()).add(session);
    }

    /** A user's stream closed (either side). */
    void closed(Caller user, Session session) {
        streams.computeIfPresent(key(user.tenantId(), user.userId()), (k, set) -> {
            set.remove(session);
            return set.isEmpty() ? null : set;
        });
    }

    /** How many ring streams this user has open (a user with none hears no ring). */
    public int open(String tenantId, String userId) {
        Set<Session> set = streams.get(key(tenantId, userId));
        return set == null ? 0 : set.size();
    }

    @Override
    public void publish(CallEvent event) {
        if (event instanceof CallEvent.Ringing r) {
            ObjectNode m = JsonNodeFactory.instance.objectNode();
            m.put("type", "ringing");
            m.put("callId", r.callId());
            m.put("callChainId", r.callChainId());
            m.set("from", CallJson.identitySet(r.from()));
            m.put("deadline", r.deadline().toString());
            send(r.tenantId(), r.userId(), m);
        } else if (event instanceof CallEvent.RingEnded e) {
            ObjectNode m = JsonNodeFactory.instance.objectNode();
            m.put("type", e.answered() ? "answered" : "cancelled");
            m.put("callId", e.callId());
            m.set("reason", CallJson.resultInfo(e.reason()));
            send(e.tenantId(), e.userId(), m);
        }
    }

    private void send(String tenantId, String userId, ObjectNode message) {
        String text = message.toString();
        if (rosterStreams != null) {
            rosterStreams.toUser(tenantId, userId, text);
        }
        Set<Session> set = streams.get(key(tenantId, userId));
        if (set == null) {
            return;
        }
        for (Session s : set) {
            if (s.isOpen()) {
                s.sendText(text, Callback.NOOP);
            }
        }
    }

    private static String key(String tenantId, String userId) {
        return tenantId + "/" + userId;
    }
}
