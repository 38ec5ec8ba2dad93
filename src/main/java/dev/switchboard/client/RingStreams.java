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
 * them ({@code ringing}) and how each ring ended ({@code answered}, {@code cancelled}, {@code declined}), and when a
 * bot moved them into another call ({@code moved}). As a {@link CallEventSink} it hears {@link CallEvent.Ringing},
 * {@link CallEvent.RingEnded} and {@link CallEvent.ParticipantMoved} and writes one small text
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
        Frame f = frame(event);
        if (f != null) {
            deliver(f);
        }
    }

    /** One ring-stream message for one user: what a ring event becomes on the wire. */
    public record Frame(String tenantId, String userId, String text) {
    }

    /** The message {@code event} sends to its user's ring streams, or null when it is no ring event. */
    public static Frame frame(CallEvent event) {
        if (event instanceof CallEvent.Ringing r) {
            ObjectNode m = JsonNodeFactory.instance.objectNode();
            m.put("type", "ringing");
            m.put("callId", r.callId());
            m.put("callChainId", r.callChainId());
            m.set("from", CallJson.identitySet(r.from()));
            m.put("deadline", r.deadline().toString());
            return new Frame(r.tenantId(), r.userId(), m.toString());
        } else if (event instanceof CallEvent.RingEnded e) {
            ObjectNode m = JsonNodeFactory.instance.objectNode();
            m.put("type", e.answered() ? "answered" : "cancelled");
            m.put("callId", e.callId());
            m.set("reason", CallJson.resultInfo(e.reason()));
            return new Frame(e.tenantId(), e.userId(), m.toString());
        } else if (event instanceof CallEvent.ParticipantMoved e) {
            ObjectNode m = JsonNodeFactory.instance.objectNode();
            m.put("type", "moved");
            m.put("callId", e.callId());
            m.put("callChainId", e.callChainId());
            m.put("fromCallId", e.fromCallId());
            m.put("participantId", e.participantId());
            return new Frame(e.tenantId(), e.userId(), m.toString());
        }
        return null;
    }

    /**
     * Sends {@code f} to its user's ring streams open here, and to every roster stream that user has open here (a ring
     * of a call on this node, or relayed from another).
     */
    public void deliver(Frame f) {
        if (rosterStreams != null) {
            rosterStreams.toUser(f.tenantId(), f.userId(), f.text());
        }
        Set<Session> set = streams.get(key(f.tenantId(), f.userId()));
        if (set == null) {
            return;
        }
        for (Session s : set) {
            if (s.isOpen()) {
                s.sendText(f.text(), Callback.NOOP);
            }
        }
    }

    private static String key(String tenantId, String userId) {
        return tenantId + "/" + userId;
    }
}
