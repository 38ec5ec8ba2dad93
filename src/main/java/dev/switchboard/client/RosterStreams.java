package dev.switchboard.client;

import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.core.RosterUpdate;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The participants' side of the engine's events: fans every roster change out to the roster streams following that
 * call (by whichever of its call ids each stream addressed it), and finishes them when the call ends.
 *
 * <p>{@link #publish} runs on the thread that changed the roster with the conference lock held
 * (docs/concurrency.md): it only queues ({@link RosterFeed#offer} never blocks). Thread-safe.
 */
public final class RosterStreams implements CallEventSink {
    /** One stream: its feed and the call id it addressed (which its messages carry). */
    record Follower(String callId, RosterFeed feed) {
    }

    private final ConcurrentHashMap<String, Set<Follower>> byCallId = new ConcurrentHashMap<>();

    void follow(Follower f) {
        byCallId.computeIfAbsent(f.callId(), id -> ConcurrentHashMap.newKeySet()).add(f);
    }

    void unfollow(Follower f) {
        byCallId.computeIfPresent(f.callId(), (id, set) -> {
            set.remove(f);
            return set.isEmpty() ? null : set;
        });
    }

    /** Queues {@code update} on {@code f}'s feed; the call's end also closes the stream once it is sent. */
    static void offer(Follower f, RosterUpdate update) {
        f.feed().offer(update.sequenceNumber(), RosterMessages.of(f.callId(), update));
        if (update.ended()) {
            f.feed().finish(RosterFeed.NORMAL_CLOSE_CODE, "call ended");
        }
    }

    @Override
    public void publish(CallEvent event) {
        if (!(event instanceof CallEvent.RosterChanged changed)) {
            return;
        }
        RosterUpdate update = changed.update();
        for (String callId : update.callIds()) {
            Set<Follower> followers = byCallId.get(callId);
            if (followers != null) {
                for (Follower f : followers) {
                    offer(f, update);
                }
            }
        }
    }
}
