package dev.switchboard.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users being rung (docs/inbound-calls.md): the target of a bot's peer-to-peer call, the targets of a new group call,
 * invitees, and the users a call is redirected or transferred to. A ring is published as {@link CallEvent.Ringing}
 * (the client API's ring stream shows it) and ends with {@link CallEvent.RingEnded}: answered (the user joined),
 * cancelled (the call ended, or the ring timed out) or declined. {@link IncomingCalls#expireUnanswered} resolves them.
 *
 * <p>Thread-safe: rings are added with the conference lock held and resolved under it; the map is concurrent so the
 * periodic check needs no other lock.
 */
final class Rings {
    /**
     * One user rung for one call. Mutable parts are guarded by the conference lock.
     *
     * @param transferFrom the transferring bot's call when this ring is a transfer's target, else null
     * @param onTimeout    why the call ends (redirect) when nobody answers, or null when the ring alone ends
     * @param fromGroup    the transfer out of a group call this ring is the target of, else null
     */
    record Ring(Conference conference, String callId, String userId, Instant deadline, Call transferFrom,
                ResultInfo onTimeout, GroupTransfers.Pending fromGroup) {
        String key() {
            return key(callId, userId);
        }

        static String key(String callId, String userId) {
            return callId + "/" + userId;
        }
    }

    private final CallEvents events;
    private final Map<String, Ring> rings = new ConcurrentHashMap<>();

    Rings(CallEvents events) {
        this.events = events;
    }

    /** Rings {@code user} for call {@code callId} of {@code c}, on behalf of {@code from}; lock held. */
    void ring(Conference c, String callId, ParticipantIdentity from, String userId, Instant deadline, Call transferFrom,
              ResultInfo onTimeout) {
        ring(c, callId, from, userId, deadline, transferFrom, onTimeout, null);
    }

    /** As above; {@code fromGroup}: the transfer out of a group call the ring is the target of (it completes it). */
    void ring(Conference c, String callId, ParticipantIdentity from, String userId, Instant deadline, Call transferFrom,
              ResultInfo onTimeout, GroupTransfers.Pending fromGroup) {
        start(new Ring(c, callId, userId, deadline, transferFrom, onTimeout, fromGroup), from);
    }

    private void start(Ring r, ParticipantIdentity from) {
        r.conference().ringingUsers.add(r.userId());
        rings.put(r.key(), r);
        events.ringing(r.conference(), r.callId(), r.userId(), from, r.deadline());
    }

    /** The rings of every target user of a bot's new call; lock held. */
    void ringTargets(Conference c, Call call, Instant deadline) {
        for (ParticipantIdentity who : call.request.targets()) {
            if (who.kind() == ParticipantIdentity.Kind.USER) {
                ring(c, call.id, call.source, who.id(), deadline, null, null);
            }
        }
    }

    /** The rings of {@code c}'s calls. */
    List<Ring> of(Conference c) {
        return rings.values().stream().filter(r -> r.conference() == c).toList();
    }

    List<Ring> all() {
        return List.copyOf(rings.values());
    }

    Ring find(String callId, String userId) {
        return rings.get(Ring.key(callId, userId));
    }

    /**
     * The ring is over ({@code answered}, else cancelled or declined with {@code why}); lock held. False when it was
     * over already (a join and the periodic check can both find it answered): the caller does nothing more then.
     */
    boolean end(Ring r, boolean answered, ResultInfo why) {
        if (rings.remove(r.key(), r)) {
            r.conference().ringingUsers.remove(r.userId());
            events.ringEnded(r.conference(), r.callId(), r.userId(), answered, why);
            return true;
        }
        return false;
    }
}
