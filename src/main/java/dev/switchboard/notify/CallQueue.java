package dev.switchboard.notify;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The serial queue of one call: at most one {@link Delivery} (one POST of up to {@code maxBatch} consecutive
 * notifications) is in progress; the rest wait in enqueue order. Holds the call's sequence counter, its backoff
 * state and its sticky redirect.
 *
 * <p>Thread-safe: every method locks this object briefly and never does I/O while holding it. While
 * {@code active} is true exactly one delivery chain (a queued task, a request in flight or a scheduled
 * retry) owns the current delivery; {@link #offer} starts a chain only when none is active.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class CallQueue {
    final String callId;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private Delivery current;
    private boolean active;
    private boolean failing;
    private int consecutiveFailures;
    private long nextSequence;
    private final long firstSequence;
    private URI redirectedFrom;
    private URI redirectedTo;
    private boolean ended;
    private boolean retired;
    private long idleSinceNanos;

    CallQueue(String callId, long nowNanos) {
        this(callId, nowNanos, 1);
    }

    /** @param firstSequence the number of the call's first POST (1, or the next after another node's numbering) */
    CallQueue(String callId, long nowNanos, long firstSequence) {
        this.callId = callId;
        this.nextSequence = firstSequence;
        this.firstSequence = firstSequence;
        this.idleSinceNanos = nowNanos;
    }

    /** What {@link #offer} did. {@code dropped} left the queue: coalesced away, evicted, or the offered one refused. */
    record Offer(Outcome outcome, boolean startChain, Pending dropped, String dropReason) {
        enum Outcome { QUEUED, COALESCED, EVICTED_OLDEST, REFUSED, RETIRED }
    }

    /**
     * Adds {@code p} at the tail, under the limits.
     * <ol>
     *   <li>While the call's deliveries are failing, a roster replaces a roster waiting right before it.</li>
     *   <li>Otherwise it is queued when the call has fewer than {@code perCallLimit} and the global budget has room
     *       (or {@code placeTaken}: the caller already holds a place of the budget for it, see
     *       {@link #yieldPlace}; that place is used only when the outcome is {@code QUEUED}).</li>
     *   <li>When full: a roster replaces a roster waiting right before it; else the first of two adjacent waiting
     *       rosters is dropped (coalesced); else the oldest waiting notification is evicted; when nothing waits
     *       (only the delivery in progress), the offered notification is refused.</li>
     * </ol>
     * Never reorders: only a roster immediately followed by a newer roster is ever coalesced. A call's last
     * notification that leaves this way (refused or evicted) ends the call's queue as if it had been delivered: it
     * retires once nothing waits or is in flight, at once when that is already so ({@link #isRetired()}). A queue
     * that has sent nothing yet retires at once when its offer is refused, terminal or not: it has no numbering,
     * backoff or redirect to keep, and the next notification of the call makes a new one.
     */
    synchronized Offer offer(Pending p, int perCallLimit, QueueBudget budget, boolean placeTaken) {
        if (retired) {
            return new Offer(Offer.Outcome.RETIRED, false, null, null);
        }
        Pending last = waiting.peekLast();
        if (failing && p.isRoster() && last != null && last.isRoster()) {
            return replaceLast(p);
        }
        int size = waiting.size() + (current == null ? 0 : current.items.size());
        boolean callFull = size >= perCallLimit;
        if (!callFull && (placeTaken || budget.tryAcquire(p.tenantId))) {
            if (placeTaken) {
                budget.take(p.tenantId);
            }
            waiting.addLast(p);
            return new Offer(Offer.Outcome.QUEUED, startChain(), null, null);
        }
        String reason = callFull ? "call_queue_full" : "global_queue_full";
        if (p.isRoster() && last != null && last.isRoster()) {
            return replaceLast(p);
        }
        Pending olderRoster = firstRosterFollowedByRoster();
        if (olderRoster != null) {
            waiting.removeFirstOccurrence(olderRoster);
            waiting.addLast(p);
            return new Offer(Offer.Outcome.COALESCED, startChain(), olderRoster, null);
        }
        if (!waiting.isEmpty()) {
            Pending oldest = waiting.pollFirst();
            waiting.addLast(p);
            endIfLast(oldest);
            return new Offer(Offer.Outcome.EVICTED_OLDEST, startChain(), oldest, reason);
        }
        endIfLast(p);
        if (!active && current == null && (ended || nextSequence == firstSequence)) {
            // nothing waits, nothing in flight: no chain will come by to retire it. A queue that never sent anything
            // holds nothing worth keeping either (a new one numbers from the same first sequence)
            retired = true;
        }
        return new Offer(Offer.Outcome.REFUSED, false, p, reason);
    }

    /** A call's last notification left the queue undelivered: the queue retires when it is next empty. */
    private void endIfLast(Pending dropped) {
        if (dropped.terminal) {
            ended = true;
        }
    }

    private Offer replaceLast(Pending p) {
        Pending old = waiting.pollLast();
        waiting.addLast(p);
        return new Offer(Offer.Outcome.COALESCED, startChain(), old, null);
    }

    private boolean startChain() {
        if (active) {
            return false;
        }
        active = true;
        return true;
    }

    private Pending firstRosterFollowedByRoster() {
        Pending prev = null;
        for (Iterator<Pending> it = waiting.iterator(); it.hasNext(); ) {
            Pending cur = it.next();
            if (prev != null && prev.isRoster() && cur.isRoster()) {
                return prev;
            }
            prev = cur;
        }
        return null;
    }

    /**
     * Whether {@link #offer} of {@code p} would now take a place of the global budget: not when it would replace a
     * roster (the call's deliveries are failing) or when the call's own queue is full. A hint; it may change at once.
     */
    synchronized boolean wouldTakePlace(Pending p, int perCallLimit) {
        if (retired) {
            return false;
        }
        Pending last = waiting.peekLast();
        if (failing && p.isRoster() && last != null && last.isRoster()) {
            return false;
        }
        return waiting.size() + (current == null ? 0 : current.items.size()) < perCallLimit;
    }

    /** What {@link #yieldPlace} took out: {@code superseded} when a newer roster right after it says everything. */
    record Yielded(Pending pending, boolean superseded) { }

    /**
     * Takes one waiting notification of {@code tenant} out of this queue so that another tenant may have its place in
     * the global budget (which stays counted; the caller passes it on or frees it): the first roster followed by a
     * newer roster if there is one (nothing is lost), else the oldest waiting one. Never the delivery in progress,
     * never reorders. Null when nothing of {@code tenant} waits here.
     */
    synchronized Yielded yieldPlace(String tenant, QueueBudget budget) {
        Pending first = waiting.peekFirst();
        if (retired || first == null || !first.tenantId.equals(tenant)) {
            return null;
        }
        Pending olderRoster = firstRosterFollowedByRoster();
        Pending out = olderRoster != null ? olderRoster : first;
        waiting.removeFirstOccurrence(out);
        endIfLast(out); // a chain is active while anything waits: it retires the queue when it finds it empty
        budget.leave(tenant);
        return new Yielded(out, olderRoster != null);
    }

    /**
     * The delivery in progress, or a new one made of up to {@code maxBatch} waiting notifications (at most
     * {@code maxBytes} of items unless the first alone is larger, all with the same address; an item not rendered yet
     * counts its estimate: nothing is rendered here, under this lock); null when nothing
     * waits, which ends the delivery chain (and retires the queue if its call has ended). Waiting notifications
     * already past their TTL are moved to {@code expired} instead; the call's last one among them ends the call as
     * its delivery would.
     */
    synchronized Delivery nextDelivery(int maxBatch, long maxBytes, long nowNanos, List<Pending> expired) {
        if (current != null) {
            return current;
        }
        List<Pending> items = new ArrayList<>(Math.min(maxBatch, waiting.size()));
        long bytes = 0;
        while (!waiting.isEmpty() && items.size() < maxBatch) {
            Pending p = waiting.peekFirst();
            if (nowNanos - p.deadlineNanos >= 0) {
                endIfLast(p);
                expired.add(waiting.pollFirst());
                continue;
            }
            if (!items.isEmpty() && (!items.get(0).sameAddress(p) || bytes + p.item.length() > maxBytes)) {
                break;
            }
            items.add(waiting.pollFirst());
            bytes += p.item.length();
        }
        if (items.isEmpty()) {
            active = false;
            idleSinceNanos = nowNanos;
            if (ended) {
                retired = true;
            }
            return null;
        }
        current = new Delivery(items, nextSequence++);
        return current;
    }

    /** True when no delivery chain is active: nothing waits, nothing is in flight or scheduled for a retry. */
    synchronized boolean isIdle() {
        return !active;
    }

    /**
     * Ends {@code d} after it was delivered or given up.
     *
     * @return false when {@code d} is no longer current (already dropped by shutdown); the caller then does nothing
     */
    synchronized boolean finish(Delivery d, boolean delivered) {
        if (current != d) {
            return false;
        }
        current = null;
        if (delivered) {
            failing = false;
            consecutiveFailures = 0;
        }
        if (d.terminal()) {
            ended = true;
        }
        return true;
    }

    /** Records a failed attempt; returns the number of consecutive failures of this call. */
    synchronized int failed() {
        failing = true;
        return ++consecutiveFailures;
    }

    /** Where to send a notification addressed to {@code callbackUri}: the sticky redirect target when there is one. */
    synchronized URI targetFor(URI callbackUri) {
        return callbackUri.equals(redirectedFrom) ? redirectedTo : callbackUri;
    }

    /** From now on, notifications of this call addressed to {@code from} go to {@code to}. */
    synchronized void redirect(URI from, URI to) {
        redirectedFrom = from;
        redirectedTo = to;
    }

    /** Retires the queue when it is idle and its call ended, or it has been idle for {@code idleNanos}. */
    synchronized boolean retireIfIdle(long nowNanos, long idleNanos) {
        if (!retired && !active && current == null && waiting.isEmpty() && (ended || nowNanos - idleSinceNanos >= idleNanos)) {
            retired = true;
        }
        return retired;
    }

    synchronized boolean isRetired() {
        return retired;
    }

    /** Shutdown: removes and returns everything undelivered (in progress first); the queue accepts nothing more. */
    synchronized List<Pending> drainAll() {
        List<Pending> all = new ArrayList<>(waiting.size() + 1);
        if (current != null) {
            all.addAll(current.items);
            current = null;
        }
        all.addAll(waiting);
        waiting.clear();
        retired = true;
        return all;
    }
}
