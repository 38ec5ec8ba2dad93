package dev.switchboard.client;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fans roster messages of each call out to the participants connected to its roster stream. Publishing
 * never blocks on a reader: each subscriber has its own bounded backlog. Thread-safe.
 */
public final class RosterStream {
    /** The default bound on unsent messages per reader before it is disconnected as too slow. */
    public static final int DEFAULT_MAX_BACKLOG = 256;

    private final int maxBacklog;
    private final Map<String, Set<RosterSubscriber>> subscribersByCall = new ConcurrentHashMap<>();

    public RosterStream(int maxBacklog) {
        if (maxBacklog < 1) {
            throw new IllegalArgumentException("maxBacklog must be positive");
        }
        this.maxBacklog = maxBacklog;
    }

    /** A subscription handle; {@link #close()} it when the connection closes. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Subscribes a channel to a call's roster and sends it the current roster first. The snapshot is taken
     * after the subscriber is registered, so no change is missed; a change published concurrently with an
     * older or equal sequence number than the snapshot is skipped, so none is sent twice or out of order.
     */
    public Subscription subscribe(String callId, RosterChannel channel, java.util.function.Supplier<Snapshot> snapshot) {
        RosterSubscriber subscriber = new RosterSubscriber(channel, maxBacklog);
        subscribersByCall.computeIfAbsent(callId, id -> ConcurrentHashMap.newKeySet()).add(subscriber);
        Snapshot first = snapshot.get();
        subscriber.offer(first.sequence(), first.message());
        return () -> remove(callId, subscriber);
    }

    /** A roster message with the roster sequence number it shows. */
    public record Snapshot(long sequence, String message) {
    }

    /** Sends a roster change to every subscriber of the call; never blocks. */
    public void publish(String callId, long sequence, String message) {
        Set<RosterSubscriber> subscribers = subscribersByCall.get(callId);
        if (subscribers == null) {
            return;
        }
        for (RosterSubscriber subscriber : subscribers) {
            if (!subscriber.offer(sequence, message)) {
                remove(callId, subscriber);
            }
        }
    }

    /** Disconnects every subscriber of a call that ended, with a normal close. */
    public void endCall(String callId, String reason) {
        Set<RosterSubscriber> subscribers = subscribersByCall.remove(callId);
        if (subscribers != null) {
            subscribers.forEach(s -> s.end(1000, reason));
        }
    }

    /** The number of connected readers of a call (for tests and metrics). */
    public int subscriberCount(String callId) {
        Set<RosterSubscriber> subscribers = subscribersByCall.get(callId);
        return subscribers == null ? 0 : (int) subscribers.stream().filter(s -> !s.closed()).count();
    }

    private void remove(String callId, RosterSubscriber subscriber) {
        subscriber.markClosed();
        subscribersByCall.computeIfPresent(callId, (id, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }
}
