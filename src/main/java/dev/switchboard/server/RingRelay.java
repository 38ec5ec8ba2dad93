package dev.switchboard.server;

import dev.switchboard.client.RingStreams;
import dev.switchboard.cluster.Redis;
import dev.switchboard.cluster.RedisBus;
import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallEventSink;

/**
 * Ring streams across the cluster (docs/cluster.md): a user's {@code /client/v1/ring} stream may be open on any node,
 * and the call that rings them lives on one. The owner publishes each ring message (already rendered) on the Redis
 * ring channel; every other node hands it to its own ring streams of that user (the owner's streams got it locally).
 * Thread-safe; {@link #publish} runs with a conference lock held and only queues.
 */
final class RingRelay implements CallEventSink, AutoCloseable {
    static final String CHANNEL = "sb:ring";
    private final String nodeId;
    private final RingStreams streams;
    private final RedisBus bus;

    RingRelay(String nodeId, RingStreams streams, Redis redis) {
        this.nodeId = nodeId;
        this.streams = streams;
        this.bus = new RedisBus(redis, CHANNEL, this::received);
    }

    /** The engine's events (this node's own calls, a fenced node's held back before): ring messages go out. */
    @Override
    public void publish(CallEvent event) {
        RingStreams.Frame f = RingStreams.frame(event);
        if (f != null) {
            bus.publish(String.join("\t", nodeId, f.tenantId(), f.userId(), f.text()));
        }
    }

    private void received(String message) {
        String[] p = message.split("\t", 4);
        if (p.length == 4 && !p[0].equals(nodeId)) {
            streams.deliver(new RingStreams.Frame(p[1], p[2], p[3]));
        }
    }

    @Override
    public void close() {
        bus.close();
    }
}
