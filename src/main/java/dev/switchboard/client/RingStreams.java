package dev.switchboard.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.core.Caller;
import dev.switchboard.graph.CallJson;
import org.eclipse.jetty.websocket.api.Session;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.time.Duration;
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
 * <p>A user may hold at most {@code --roster-max-per-user} ring streams open here ({@link #admit} before the upgrade
 * answers 429 beyond it; a stream that still gets past it in a race is closed with 1008 as it connects), so one user
 * cannot hold sockets and feeds without bound.
 *
 * <p>Thread-safe: streams open and close on WebSocket callbacks, events arrive on whatever thread changed a call.
 */
public final class RingStreams implements CallEventSink {
    private static final RosterMessage LISTENING = message("{\"type\":\"listening\"}");
    private static final int POLICY_VIOLATION = 1008;
    static final int RESERVATION_SECONDS = 30;
    private static final long RESERVATION_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(RESERVATION_SECONDS);

    private final Map<String, Map<Session, RosterFeed>> streams = new ConcurrentHashMap<>();
    private final RosterStreams rosterStreams;
    /** Per user: when each place reserved before an upgrade and not yet taken by its stream was reserved (nanoTime). */
    private final Map<String, ArrayDeque<Long>> reserved = new ConcurrentHashMap<>();

    /** @param rosterStreams where the rung user's roster streams are; it also bounds and watches the ring streams */
    public RingStreams(RosterStreams rosterStreams) {
        this.rosterStreams = Objects.requireNonNull(rosterStreams, "rosterStreams");
    }

    /**
     * Before the upgrade: reserves a place for one more ring stream of {@code user}, which {@link #opened} takes; a
     * place never taken (the upgrade failed) is given back after {@value #RESERVATION_SECONDS} s.
     *
     * @throws SwitchboardException TOO_MANY_REQUESTS (429, {@code Retry-After}) when the user's open streams and
     *                              reserved places reach {@code --roster-max-per-user}
     */
    void admit(Caller user) {
        String key = key(user.tenantId(), user.userId());
        long now = System.nanoTime();
        reserved.compute(key, (k, places) -> {
            ArrayDeque<Long> all = places == null ? new ArrayDeque<>() : places;
            while (!all.isEmpty() && now - all.peekFirst() > RESERVATION_NANOS) {
                all.removeFirst();
            }
            if (open(user.tenantId(), user.userId()) + all.size() >= limit()) {
                throw tooMany();
            }
            all.addLast(now);
            return all;
        });
    }

    /** A user's stream opened: it hears {@code listening}, then the user's rings; closed with 1008 over the limit. */
    void opened(Caller user, Session session) {
        WebSocketRosterChannel channel = new WebSocketRosterChannel(session);
        RosterFeed feed = rosterStreams.openRingFeed(channel);
        feed.sendInOrder(LISTENING); // before the stream is findable: no ring goes out ahead of it
        boolean[] added = new boolean[1];
        String key = key(user.tenantId(), user.userId());
        // The stream takes its place and gives back admit's reservation in one step under the reservations' lock of
        // this user, which admit holds too: an admit in between would count neither and let one more stream past.
        reserved.compute(key, (k, places) -> {
            streams.compute(key, (k2, feeds) -> {
                Map<Session, RosterFeed> all = feeds == null ? new ConcurrentHashMap<>() : feeds;
                if (all.size() < limit()) {
                    all.put(session, feed); // inside compute: a concurrent last close cannot drop the map it joins
                    added[0] = true;
                }
                return all.isEmpty() ? null : all;
            });
            if (places != null) {
                places.pollFirst(); // the place admit reserved for this stream
            }
            return places == null || places.isEmpty() ? null : places;
        });
        if (!added[0]) { // admitted together with others past the limit
            rosterStreams.closeRingFeed(feed);
            channel.close(POLICY_VIOLATION, tooMany().getMessage());
        }
    }

    private int limit() {
        return rosterStreams.settings().maxPerUserPerCall();
    }

    private SwitchboardException tooMany() {
        return new SwitchboardException(ErrorCode.TOO_MANY_REQUESTS, "At most " + limit()
                + " ring streams per user are allowed; close one first.",
                Duration.ofSeconds(RosterStreams.RETRY_AFTER_SECONDS));
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
