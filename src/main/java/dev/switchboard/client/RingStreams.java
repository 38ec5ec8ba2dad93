package dev.switchboard.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.core.Caller;
import dev.switchboard.graph.CallJson;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users' ring streams (docs/inbound-calls.md): a user with {@code /client/v1/ring} open hears every call that rings
 * them ({@code ringing}) and how each ring ended ({@code answered}, {@code cancelled}, {@code declined}), and when a
 * bot moved them into another call ({@code moved}). As a {@link CallEventSink} it hears {@link CallEvent.Ringing},
 * {@link CallEvent.RingEnded} and {@link CallEvent.ParticipantMoved} and writes one small text
 * frame per open stream of that user, asynchronously (nothing blocks the engine's thread).
 *
 * <p>Each stream is a {@link RosterFeed} from {@link RosterStreams#openRingFeed}: one write in flight, the rest waiting in
 * order, and a reader that does not keep up is closed with 1008 as a roster stream is: when its unwritten messages pass
 * the roster streams' byte bound ({@code --roster-max-queued-bytes}), or a write stalls past their stall timeout.
 *
 * The same messages also go to every roster stream the rung user has open (on other calls: a user in a call hears
 * that another call rings them), through {@link RosterStreams#toUser}.
 *
 * <p>Thread-safe: streams open and close on WebSocket callbacks, events arrive on whatever thread changed a call.
 */
public final class RingStreams implements CallEventSink {
    private static final RosterMessage LISTENING = message("{\"type\":\"listening\"}");

    private final Map<String, Map<Session, RosterFeed>> streams = new ConcurrentHashMap<>();
    private final RosterStreams rosterStreams;

    /** @param rosterStreams where the rung user's roster streams are; it also bounds and watches the ring streams */
    public RingStreams(RosterStreams rosterStreams) {
        this.rosterStreams = Objects.requireNonNull(rosterStreams, "rosterStreams");
    }

    /** A user's stream opened: it hears {@code listening}, then the user's rings. */
    void opened(Caller user, Session session) {
        RosterFeed feed = rosterStreams.openRingFeed(new WebSocketRosterChannel(session));
        feed.sendInOrder(LISTENING); // before the stream is findable: no ring goes out ahead of it
        streams.compute(key(user.tenantId(), user.userId()), (k, feeds) -> {
            Map<Session, RosterFeed> all = feeds == null ? new ConcurrentHashMap<>() : feeds;
            all.put(session, feed); // inside compute: a concurrent last close cannot drop the map it joins
            return all;
        });
    }

    /** A user's stream closed (either side). */
    void closed(Caller user, Session session) {
        streams.computeIfPresent(key(user.tenantId(), user.userId()), (k, feeds) -> {
            RosterFeed feed = feeds.remove(session);
            if (feed != null) {
                rosterStreams.closeRingFeed(feed);
            }
            return feeds.isEmpty() ? null : feeds;
        });
    }

    /** How many ring streams this user has open (a user with none hears no ring). */
    public int open(String tenantId, String userId) {
        Map<Session, RosterFeed> feeds = streams.get(key(tenantId, userId));
        return feeds == null ? 0 : feeds.size();
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
        rosterStreams.toUser(f.tenantId(), f.userId(), f.text());
        Map<Session, RosterFeed> feeds = streams.get(key(f.tenantId(), f.userId()));
        if (feeds == null) {
            return;
        }
        RosterMessage message = message(f.text()); // one copy of the bytes for all of the user's streams
        for (RosterFeed feed : feeds.values()) {
            feed.sendInOrder(message);
        }
    }

    private static RosterMessage message(String text) {
        return new RosterMessage(-1, text.getBytes(StandardCharsets.UTF_8), false);
    }

    private static String key(String tenantId, String userId) {
        return tenantId + "/" + userId;
    }
}
