package dev.switchboard.client;

import dev.switchboard.core.RosterUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The roster streams of one call. {@link #publish} is all the thread that changed the roster does (constant work,
 * whatever the number of streams): it keeps the newest update and wakes one fan-out pass. The pass, on the fan-out
 * executor, renders each update once per call id the streams use and offers that one shared message to every
 * stream. Updates that arrive while a pass runs are coalesced: the next pass delivers only the newest (every
 * message is the whole roster). At most one pass per call runs at a time, so each stream sees sequence order.
 */
final class CallRoster {
    private static final Logger log = LoggerFactory.getLogger(CallRoster.class);

    /** Whether a new stream may open. */
    enum Admission { ADMITTED, OVER_USER_LIMIT, OVER_CALL_LIMIT, ENDED }

    private final String callChainId;
    private final Executor fanOut;
    private final Map<RosterSlot, RosterFeed> open = new ConcurrentHashMap<>();
    private final Set<RosterSlot> reserved = new HashSet<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private final AtomicReference<RosterUpdate> latest = new AtomicReference<>();
    private final AtomicLong wakeups = new AtomicLong();
    private final AtomicBoolean passRunning = new AtomicBoolean();
    private volatile boolean ended;
    // touched only by the running pass
    private long renderedSequence = -1;
    private final Map<String, RosterMessage> rendered = new HashMap<>();

    CallRoster(String callChainId, Executor fanOut) {
        this.callChainId = callChainId;
        this.fanOut = fanOut;
    }

    /** Called by the thread that changed the roster, with the call's lock held: never blocks, never loops over streams. */
    void publish(RosterUpdate update) {
        latest.accumulateAndGet(update, (old, now) -> old == null || now.sequenceNumber() > old.sequenceNumber() ? now : old);
        if (update.ended()) {
            ended = true;
        }
        wake();
    }

    /** Reserves a slot (counted against the limits from now on) if the limits allow. */
    synchronized Admission reserve(RosterSlot slot, RosterStreamSettings limits) {
        if (ended) {
            return Admission.ENDED;
        }
        if (size() >= limits.maxPerCall()) {
            return Admission.OVER_CALL_LIMIT;
        }
        if (perUser.getOrDefault(slot.user().userId(), 0) >= limits.maxPerUserPerCall()) {
            return Admission.OVER_USER_LIMIT;
        }
        reserved.add(slot);
        perUser.merge(slot.user().userId(), 1, Integer::sum);
        return Admission.ADMITTED;
    }

    /** Puts a reserved slot's stream live; it gets the newest roster on the next pass. False if the slot was let go. */
    synchronized boolean attach(RosterSlot slot, RosterFeed feed) {
        if (!reserved.remove(slot)) {
            return false;
        }
        open.put(slot, feed);
        return true;
    }

    /** Frees a slot, reserved or live. @return the live stream's feed, or null */
    synchronized RosterFeed release(RosterSlot slot) {
        RosterFeed feed = open.remove(slot);
        if (feed != null || reserved.remove(slot)) {
            perUser.computeIfPresent(slot.user().userId(), (u, n) -> n > 1 ? n - 1 : null);
        }
        return feed;
    }

    /** Lets go of reservations whose upgrade never completed. */
    synchronized void expireReservations(long now, long maxAgeNanos) {
        for (RosterSlot slot : List.copyOf(reserved)) {
            if (now - slot.reservedAt() > maxAgeNanos) {
                release(slot);
            }
        }
    }

    synchronized int size() {
        return open.size() + reserved.size();
    }

    Iterable<RosterFeed> feeds() {
        return open.values();
    }

    /** Writes {@code message} (not a roster) to this call's open streams of the user, beside the roster messages. */
    void toUser(String tenantId, String userId, RosterMessage message) {
        for (Map.Entry<RosterSlot, RosterFeed> stream : open.entrySet()) {
            dev.switchboard.core.Caller user = stream.getKey().user();
            if (user.userId().equals(userId) && user.tenantId().equals(tenantId)) {
                stream.getValue().sendAside(message);
            }
        }
    }

    /** The live streams and the slots they were opened with (a live view). */
    Map<RosterSlot, RosterFeed> streams() {
        return open;
    }

    /** The levels message last sent on this call's streams (the {@code roster-levels} thread's own field). */
    String lastLevels;
    /** Rounds the levels stayed unchanged (the {@code roster-levels} thread's own field). */
    int levelsRepeated;

    /** Asks for a pass (a new update, or a new stream that still needs the newest roster). */
    void wake() {
        wakeups.incrementAndGet();
        if (passRunning.compareAndSet(false, true)) {
            try {
                fanOut.execute(this::pass);
            } catch (RejectedExecutionException e) {
                passRunning.set(false); // shutting down
            }
        }
    }

    private void pass() {
        while (true) {
            long seen = wakeups.get();
            try {
                deliver(latest.get());
            } catch (RuntimeException e) {
                log.warn("roster fan-out failed callChainId={}", callChainId, e);
            }
            if (seen == wakeups.get()) {
                passRunning.set(false);
                // a wake-up between the check and the reset found the pass still running: take it over
                if (seen == wakeups.get() || !passRunning.compareAndSet(false, true)) {
                    return;
                }
            }
        }
    }

    private void deliver(RosterUpdate update) {
        if (update == null) {
            return;
        }
        if (update.sequenceNumber() != renderedSequence) {
            rendered.clear();
            renderedSequence = update.sequenceNumber();
        }
        for (Map.Entry<RosterSlot, RosterFeed> stream : open.entrySet()) {
            RosterMessage message = rendered.computeIfAbsent(stream.getKey().callId(), id -> RosterMessages.render(id, update));
            stream.getValue().offer(message);
            if (update.ended()) {
                stream.getValue().finish(RosterFeed.NORMAL_CLOSE_CODE, "call ended");
            }
        }
    }
}
