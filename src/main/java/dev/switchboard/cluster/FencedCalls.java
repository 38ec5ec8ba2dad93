package dev.switchboard.cluster;

import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallEventSink;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls this node held until it found itself fenced (a survivor took them over while it was paused or cut
 * off): their events never leave the node any more, so the old owner sends no webhook and no roster change for a
 * call it no longer owns. A {@link CallEventSink} in front of the bots' and the cluster's sinks; the node's own
 * roster streams still hear the end. Thread-safe; {@link #publish} is a set lookup.
 */
public final class FencedCalls implements CallEventSink {
    private final Set<String> fenced = ConcurrentHashMap.newKeySet();
    private final CallEventSink next;

    public FencedCalls(CallEventSink next) {
        this.next = next;
    }

    /** From now on nothing of these calls goes out. */
    public void fence(Collection<String> callIds) {
        fenced.addAll(callIds);
    }

    @Override
    public void publish(CallEvent event) {
        if (fenced.isEmpty() || !isFenced(event)) {
            next.publish(event);
        }
    }

    private boolean isFenced(CallEvent event) {
        return switch (event) {
            case CallEvent.CallStateChanged c -> fenced.contains(c.bot().callId());
            case CallEvent.OperationFinished o -> fenced.contains(o.bot().callId());
            case CallEvent.RosterChanged r -> r.update().callIds().stream().anyMatch(fenced::contains);
            case CallEvent.ToneReceived t -> fenced.contains(t.bot().callId());
            case CallEvent.IncomingCall i -> fenced.contains(i.bot().callId());
            case CallEvent.Ringing r -> fenced.contains(r.callId());
            case CallEvent.RingEnded r -> fenced.contains(r.callId());
            case CallEvent.ParticipantMoved m -> fenced.contains(m.callId());
        };
    }
}
