package dev.switchboard.notify;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * download takes the next slot that frees.
 *
 * <p><b>Taking a slot back.</b> When every slot is held and a download waits whose tenant holds at least two fewer
 * slots than the largest holder, the largest holder's newest slot whose download has had no answer at all (not even
 * a status line) for {@link #STALL_NANOS} is taken back: its download is cancelled ({@link Slot#cancelWith}) and
 * queued again with what is left of its deadline, and the freed slot goes, as any freed slot, to the waiting tenant
 * holding the fewest. One slot is being taken back at a time; a download that is already reading its body, or whose
 * slot was taken with {@link #acquire} (not {@link #acquireSlot}), is never taken back. So 64 stalled downloads of
 * one tenant keep another tenant's prompt waiting about a second, not until they time out.
 *
 * <p>Thread-safe; {@link #acquire} blocks (a worker thread, never a request or mixer thread). One lock, held for
 * bookkeeping only, never across I/O.
 */
public final class DownloadSlots {
    /** The tenant of a download that names none (tools and tests): one more tenant among the others. */
    public static final String NO_TENANT = "";
    /** How long a download must have had no answer at all before its slot may be taken back for another tenant. */
    public static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often a waiting download looks again for a slot to take back. */
    private static final long LOOK_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final int limit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Integer> held = new HashMap<>();
    /** Each tenant's waiting downloads in the order they came; a tenant with none has no entry. */
    private final Map<String, LinkedHashSet<Waiter>> waiters = new HashMap<>();
    /** Each tenant's slots that may be taken back ({@link Slot#cancelWith} called), oldest first. */
    private final Map<String, LinkedHashSet<Slot>> revocable = new HashMap<>();
    /** A slot taken back whose download has not given it back yet (one at a time). */
    private Slot takingBack;
    private final AtomicLong takenBack = new AtomicLong();
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

    /**
     * A slot held by one download ({@link #acquireSlot}). The download says how to cancel it ({@link #cancelWith})
     * once it connects, and that it was answered ({@link #answered}) when its status line arrives.
     */
    public final class Slot {
        final String tenant;
        final long takenNanos = System.nanoTime();
        private volatile boolean answered;
        // guarded by lock
        private Runnable cancel;
        private boolean revoked;
        private boolean released;

        private Slot(String tenant) {
            this.tenant = tenant;
        }

        /**
         * From now on the slot may be taken back for another tenant: {@code cancel} (run once, without the slots' lock,
         * on the thread of a waiting download) must make the download stop and give the slot back. Runs
         * {@code cancel} at once if the slot was already taken back. Any thread.
         */
        public void cancelWith(Runnable cancel) {
            boolean now;
            lock.lock();
            try {
                now = revoked;
                if (!revoked && !released) {
                    this.cancel = cancel;
                    revocable.computeIfAbsent(tenant, t -> new LinkedHashSet<>()).add(this);
                }
            } finally {
                lock.unlock();
            }
            if (now) {
                cancel.run();
            }
        }

        /** The download's server answered (a status line): the slot is no longer taken back. Any thread. */
        public void answered() {
            answered = true;
        }

        /** True if the slot was taken back for another tenant: its download should queue again. */
        public boolean revoked() {
            lock.lock();
            try {
                return revoked;
            } finally {
                lock.unlock();
            }
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
        return acquireSlot(tenant, deadlineNanos) != null;
    }

    /**
     * As {@link #acquire}, returning the slot, which the caller must {@link #release(Slot)}, or null if none came free
     * in time. Waiting, it takes back a stalled download's slot of a tenant holding more (class comment).
     *
     * @throws InterruptedException if the waiting thread is interrupted (nothing is taken)
     */
    public Slot acquireSlot(String tenant, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            if (inFlight < limit) { // nobody waits while a slot is free: a freed slot is handed on at once
                take(tenant);
                return new Slot(tenant);
            }
            Waiter w = new Waiter(tenant);
            waiters.computeIfAbsent(tenant, t -> new LinkedHashSet<>()).add(w);
            waiting++;
            try {
                long left;
                while (!w.granted && (left = deadlineNanos - System.nanoTime()) > 0) {
                    Runnable cancel = takeBackFor(tenant);
                    if (cancel != null) {
                        lock.unlock(); // the download's cancel never runs under the lock
                        try {
                            cancel.run();
                        } finally {
                            lock.lock();
                        }
                        continue;
                    }
                    w.turn.awaitNanos(Math.min(left, LOOK_AGAIN_NANOS));
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
                return new Slot(tenant);
            }
            leave(w);
        } finally {
            lock.unlock();
        }
        gaveUp.incrementAndGet();
        return null;
    }

    /** Gives back {@code slot} ({@link #acquireSlot}); hands it on to a waiting download. Once per slot. */
    public void release(Slot slot) {
        lock.lock();
        try {
            if (slot.released) {
                return;
            }
            slot.released = true;
            LinkedHashSet<Slot> mine = revocable.get(slot.tenant);
            if (mine != null && mine.remove(slot) && mine.isEmpty()) {
                revocable.remove(slot.tenant);
            }
            if (takingBack == slot) {
                takingBack = null;
            }
            release(slot.tenant);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Holding the lock, for a download of {@code tenant} that waits: the cancel of a slot to take back (now marked
     * taken back), or null if none may be: one is already being taken back, no tenant holds two more than
     * {@code tenant}, or the largest holder has no stalled download.
     */
    private Runnable takeBackFor(String tenant) {
        if (takingBack != null || inFlight < limit) {
            return null;
        }
        int mine = held.getOrDefault(tenant, 0);
        String largest = null;
        int most = mine + 1;
        for (Map.Entry<String, Integer> e : held.entrySet()) {
            if (e.getValue() > most && revocable.containsKey(e.getKey())) {
                largest = e.getKey();
                most = e.getValue();
            }
        }
        if (largest == null) {
            return null;
        }
        long now = System.nanoTime();
        Slot newest = null;
        for (Slot s : revocable.get(largest)) { // oldest first: the last stalled one wins
            if (!s.answered && now - s.takenNanos >= STALL_NANOS) {
                newest = s;
            }
        }
        if (newest == null) {
            return null;
        }
        newest.revoked = true;
        revocable.get(largest).remove(newest);
        if (revocable.get(largest).isEmpty()) {
            revocable.remove(largest);
        }
        takingBack = newest;
        takenBack.incrementAndGet();
        return newest.cancel;
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

    /** Slots taken back from stalled downloads for another tenant, so far. */
    public long takenBack() {
        return takenBack.get();
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
