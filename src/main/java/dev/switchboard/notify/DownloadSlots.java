package dev.switchboard.notify;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound on media downloads in flight across the server: each holds a TCP connection (a file descriptor) until it
 * ends, and a media server that accepts and never answers would otherwise make every prompt of every call hold one
 * for the whole download timeout. A download takes a slot before it connects and gives it back when its connection
 * is done; one that finds none free waits, holding no socket, in the order it came (the slots are handed out fairly,
 * so with one timeout for all the oldest deadline goes first), until its deadline. Thread-safe; {@link #acquire}
 * blocks (a worker thread, never a request or mixer thread).
 */
public final class DownloadSlots {
    private final int limit;
    private final Semaphore free;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong gaveUp = new AtomicLong();

    public DownloadSlots(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit);
        }
        this.limit = limit;
        this.free = new Semaphore(limit, true);
    }

    /**
     * Takes a slot, waiting until {@code deadlineNanos} (a {@link System#nanoTime()} value) at the latest.
     *
     * @return true with a slot that the caller must {@link #release}; false (counted) if none came free in time
     * @throws InterruptedException if the waiting thread is interrupted (nothing is taken)
     */
    boolean acquire(long deadlineNanos) throws InterruptedException {
        if (free.tryAcquire(0, TimeUnit.NANOSECONDS)) { // not tryAcquire(): that would go ahead of those waiting
            return true;
        }
        waiting.incrementAndGet();
        try {
            if (free.tryAcquire(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                return true;
            }
        } finally {
            waiting.decrementAndGet();
        }
        gaveUp.incrementAndGet();
        return false;
    }

    /** Gives back a slot taken by {@link #acquire}. */
    void release() {
        free.release();
    }

    public int limit() {
        return limit;
    }

    /** Downloads holding a slot now. */
    public int inFlight() {
        return limit - free.availablePermits();
    }

    /** Downloads waiting for a slot now. */
    public int waiting() {
        return waiting.get();
    }

    /** Downloads that failed because no slot came free before their deadline, so far. */
    public long gaveUp() {
        return gaveUp.get();
    }
}
