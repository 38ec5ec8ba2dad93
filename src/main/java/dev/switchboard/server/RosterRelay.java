package dev.switchboard.server;

import dev.switchboard.client.RosterStreams;
import dev.switchboard.client.RosterUpdateCodec;
import dev.switchboard.cluster.ClusterNode;
import dev.switchboard.cluster.RedisBus;
import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.core.RosterUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Roster streams across the cluster: the owner of a call publishes each roster change on the Redis roster channel
 * (in order: one publisher), and every node hands the changes of calls it does not own to its own roster streams.
 * It also ends, on every node, the streams of calls a survivor took over (with the next sequence number after the
 * last change it saw). Thread-safe; {@link #publish} runs with a conference lock held and only queues.
 */
final class RosterRelay implements CallEventSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RosterRelay.class);
    private final ClusterNode node;
    private final RosterStreams streams;
    private final RedisBus bus;
    /** The last sequence number seen per call chain (live calls only). */
    private final Map<String, Long> lastSequence = new ConcurrentHashMap<>();

    RosterRelay(ClusterNode node, RosterStreams streams, dev.switchboard.cluster.Redis redis) {
        this.node = node;
        this.streams = streams;
        this.bus = RedisBus.roster(redis, this::received);
    }

    /** The engine's events (all of this node's own calls, a fenced node's held back before): roster changes go out. */
    @Override
    public void publish(CallEvent event) {
        if (event instanceof CallEvent.RosterChanged changed) {
            bus.publish(RosterUpdateCodec.encode(changed.update()));
        }
    }

    /** A survivor ended call {@code callId} of chain {@code callChainId}: every node's streams on it get the end. */
    void ended(String callId, String callChainId) {
        long next = lastSequence.getOrDefault(callChainId, 0L) + 1;
        bus.publish(RosterUpdateCodec.encode(new RosterUpdate(List.of(callId), callChainId, next,
                List.of(), List.of(), true)));
    }

    private void received(String text) {
        RosterUpdate update;
        try {
            update = RosterUpdateCodec.decode(text);
        } catch (IllegalArgumentException e) {
            log.warn("cluster: ignored a roster message that is not one ({})", e.getMessage());
            return;
        }
        if (update.ended()) {
            lastSequence.remove(update.callChainId());
        } else {
            lastSequence.merge(update.callChainId(), update.sequenceNumber(), Math::max);
        }
        if (update.callIds().stream().noneMatch(node::owns)) {
            streams.publish(new CallEvent.RosterChanged(update, List.of()));
        }
    }

    @Override
    public void close() {
        bus.close();
    }
}
