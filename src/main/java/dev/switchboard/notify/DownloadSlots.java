package dev.switchboard.notify;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bound on media downloads in flight across the server: each holds a TCP connection (a file descriptor) until it
 * ends, and a media server that accepts and never answers would otherwise make every prompt of every call hold one
 * for the whole download timeout. A download takes a slot before it connects and gives it back when its connection
 * is done; one that finds none free waits, holding no socket, until its deadline.
 *
 * <p><b>Who gets a freed slot.</b> The waiting download of the tenant that holds the fewest slots; among one tenant's
 * downloads, the one that came first (with one timeout for all, the oldest deadline goes first). So a tenant alone
 * is served in the order it asks, as before, and a tenant whose downloads stall (a media server that never answers,
 * hundreds of prompts queued) cannot keep another tenant's prompts waiting behind all of its own: the other tenant's
 * download takes the next slot that frees. A slot is never taken back from a download that holds it.
 *
 * <p>Thread-safe; {@link #acquire} blocks (a worker thread, never a request or mixer thread). One lock, held for
 * bookkeeping only, never across I/O.
 */
public final class DownloadSlots {
    /** The tenant of a download that names none (tools and tests): one more tenant among the others. */
    public static final String NO_TENANT = "";

    private final int limit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Integer> held = new HashMap<>();
    /** Each tenant's waiting downloads in the order they came; a tenant with none has no entry. */
    private final Map<String, LinkedHashSet<Waiter>> waiters = new HashMap<>();
    private int inFlight;
    private int waiting;
    private long arrivals;
    private final AtomicLong gaveUp = new AtomicLong();

    /** One download waiting for a slot; guarded by {@link #lock}. */
    private final class Waiter {
        final String tenant;
        final long order = arrivals++;
        final Condition turn = lock.newCondition();
        boolean granted;

        Waiter(String tenant) {
            this.tenant = tenant;
        }
    }

    public DownloadSlots(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit);
        }
        this.limit = limit;
    }

    /**
     * Takes a slot for a download of {@code tenant}, waiting until {@code deadlineNanos} (a {@link System#nanoTime()}
     * value) at the latest.
     *
     * @return true with a slot that the caller must {@link #release}; false (counted) if none came free in time
     * @throws InterruptedException if the waiting thread is interrupted (nothing is taken)
     */
    boolean acquire(String tenant, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            if (inFlight < limit) { // nobody waits while a slot is free: a freed slot is handed on at once
                take(tenant);
                return true;
            }
            Waiter w = new Waiter(tenant);
            waiters.computeIfAbsent(tenant, t -> new LinkedHashSet<>()).add(w);
            waiting++;
            try {
                long left;
                while (!w.granted && (left = deadlineNanos - System.nanoTime()) > 0) {
                    w.turn.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                if (w.granted) {
                    release(tenant); // handed a slot as it was interrupted: pass it on
                } else {
                    leave(w);
                }
                throw e;
            }
            if (w.granted) {
                return true;
            }
            leave(w);
        } finally {
            lock.unlock();
        }
        gaveUp.incrementAndGet();
        return false;
    }

    /** Gives back a slot {@code tenant}'s download took by {@link #acquire}; hands it on to a waiting download. */
    void release(String tenant) {
        lock.lock();
        try {
            inFlight--;
            held.computeIfPresent(tenant, (t, n) -> n == 1 ? null : n - 1);
            handOut();
        } finally {
            lock.unlock();
        }
    }

    /** Holding the lock. */
    private void take(String tenant) {
        inFlight++;
        held.merge(tenant, 1, Integer::sum);
    }

    /** Holding the lock: a waiting download gives up. */
    private void leave(Waiter w) {
        LinkedHashSet<Waiter> mine = waiters.get(w.tenant);
        if (mine != null && mine.remove(w)) {
            waiting--;
            if (mine.isEmpty()) {
                waiters.remove(w.tenant);
            }
        }
    }

    /** Holding the lock: free slots go to the first waiting download of the tenant holding the fewest. */
    private void handOut() {
        while (inFlight < limit && waiting > 0) {
            Waiter next = null;
            int fewest = Integer.MAX_VALUE;
            for (Map.Entry<String, LinkedHashSet<Waiter>> e : waiters.entrySet()) {
                Waiter first = e.getValue().getFirst();
                int holds = held.getOrDefault(e.getKey(), 0);
                if (holds < fewest || (holds == fewest && first.order < next.order)) {
                    next = first;
                    fewest = holds;
                }
            }
            leave(next);
            next.granted = true;
            take(next.tenant);
            next.turn.signal();
        }
    }

    public int limit() {
        return limit;
    }

    /** Downloads holding a slot now. */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Downloads waiting for a slot now. */
    public int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** Downloads that failed because no slot came free before their deadline, so far. */
    public long gaveUp() {
        return gaveUp.get();
    }

    /** Slots {@code tenant}'s downloads hold now (for tests). */
    int heldBy(String tenant) {
        lock.lock();
        try {
            return held.getOrDefault(tenant, 0);
        } finally {
            lock.unlock();
        }
    }
}
