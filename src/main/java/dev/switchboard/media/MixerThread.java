package dev.switchboard.media;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A platform thread that ticks its rooms every 20 ms on absolute deadlines (start + k·20 ms), so
 * timing does not drift when a tick runs long. A room tick that starts more than {@link #LATE_MILLIS}
 * after its slot counts as late; when the thread falls more than {@link #MAX_CATCH_UP} ticks behind
 * (the process was stopped), the missed ticks are skipped and counted as late instead of bursting; a late tick after a
 * garbage collection is counted as such too ({@link LateTicks}). Once a second the
 * deadline may move by up to 2 ms so its rooms' packets arrive just before the tick ({@link TickPhase}), and the
 * round is put in cheapest-first order ({@link RoundOrder}).
 *
 * <p>The rooms are a copy-on-write array: {@link #add} and {@link #remove} (request threads) and the once-a-second
 * reorder (this thread) replace it by compare-and-set, so no thread ever waits for another to tick or to reorder.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class MixerThread implements Runnable {
    static final long PERIOD_NANOS = 20_000_000L;
    static final long LATE_MILLIS = 5;
    static final int MAX_CATCH_UP = 5;
    /** Rounds closer in time than this are about as busy: a new room goes to the one with fewer rooms. */
    static final long BALANCE_MARGIN_NANOS = 100_000;

    private final MediaCounters counters;
    private final Thread thread;
    private final TickPhase phase = new TickPhase(System.nanoTime());
    private final CollectionCount collections = new CollectionCount();
    private final LateTicks late;
    /** The mixing arrays every room of this thread uses during its tick. */
    private final dev.switchboard.media.mix.MixBuffers buffers = new dev.switchboard.media.mix.MixBuffers();
    @SuppressWarnings("unchecked")
    private final AtomicReference<TickSlot<RtpRoom>[]> slots = new AtomicReference<>(new TickSlot[0]);
    /** A round's recent wall time (average over ~8 rounds), for {@link #lighterThan}; written by this thread only. */
    private volatile long roundNanos;
    private volatile boolean running = true;

    MixerThread(String name, MediaCounters counters) {
        this.counters = counters;
        this.late = new LateTicks(counters);
        this.thread = Thread.ofPlatform().name(name).daemon(true).priority(Thread.MAX_PRIORITY).unstarted(this);
    }

    void start() {
        thread.start();
    }

    void add(RtpRoom room) {
        TickSlot<RtpRoom> slot = new TickSlot<>(room);
        slots.updateAndGet(current -> {
            TickSlot<RtpRoom>[] r = Arrays.copyOf(current, current.length + 1);
            r[r.length - 1] = slot;
            return r;
        });
    }

    void remove(RtpRoom room) {
        slots.updateAndGet(current -> {
            for (int i = 0; i < current.length; i++) {
                if (current[i].room() == room) {
                    TickSlot<RtpRoom>[] r = Arrays.copyOf(current, current.length - 1);
                    System.arraycopy(current, i + 1, r, i, current.length - i - 1);
                    return r;
                }
            }
            return current;
        });
    }

    /** The mixing arrays of this thread, for the rooms it ticks (one room at a time). */
    dev.switchboard.media.mix.MixBuffers buffers() {
        return buffers;
    }

    /** Where its legs' packets arrive in the period (packet threads report to it). */
    TickPhase phase() {
        return phase;
    }

    int roomCount() {
        return slots.get().length;
    }

    /**
     * Where a new room should go: the thread whose rounds take clearly less time ({@link #BALANCE_MARGIN_NANOS}), or,
     * between two about as busy (rooms that do not talk yet cost nothing), the one with fewer rooms. Any thread.
     */
    boolean lighterThan(MixerThread other) {
        return lighter(roundNanos, roomCount(), other.roundNanos, other.roomCount());
    }

    static boolean lighter(long roundNanos, int rooms, long otherRoundNanos, int otherRooms) {
        if (Math.abs(roundNanos - otherRoundNanos) > BALANCE_MARGIN_NANOS) {
            return roundNanos < otherRoundNanos;
        }
        return rooms < otherRooms;
    }

    /** The rooms in this round's order (tests). */
    List<RtpRoom> roundOrder() {
        List<RtpRoom> order = new ArrayList<>();
        for (TickSlot<RtpRoom> s : slots.get()) {
            order.add(s.room());
        }
        return order;
    }

    @Override
    public void run() {
        long next = System.nanoTime() + PERIOD_NANOS;
        int sincePhase = 0;
        while (running) {
            long now;
            while ((now = System.nanoTime()) - next < 0) {
                LockSupport.parkNanos(next - now);
                if (!running) {
                    return;
                }
            }
            TickSlot<RtpRoom>[] round = slots.get();
            late.started(now - next, collections.total(), round.length);
            long t = now;
            for (TickSlot<RtpRoom> slot : round) {
                try {
                    slot.room().tick();
                } catch (RuntimeException e) {
                    // a broken room must not stop the others; its legs' counters show the gap
                }
                long end = System.nanoTime();
                slot.observe(end - t);
                t = end;
            }
            long done = t;
            counters.recordTick(done - now);
            long rn = roundNanos;
            roundNanos = rn + ((done - now - rn) >> 3);
            next += PERIOD_NANOS;
            if (++sincePhase == TickPhase.ADJUST_EVERY_TICKS) {
                sincePhase = 0;
                next += phase.adjust(next);
                reorder(round);
            }
            long behind = (done - next) / PERIOD_NANOS;
            if (behind > MAX_CATCH_UP) {
                next += behind * PERIOD_NANOS;
                counters.ticks.add(behind * round.length);
                counters.lateTicks.add(behind * round.length);
                for (TickSlot<RtpRoom> slot : round) {
                    slot.room().skipTicks(behind);
                }
            }
        }
    }

    /** This thread: the round cheapest first, unless a room came or went meanwhile (then at the next reorder). */
    private void reorder(TickSlot<RtpRoom>[] round) {
        TickSlot<RtpRoom>[] sorted = RoundOrder.cheapestFirst(round);
        if (sorted != round) {
            slots.compareAndSet(round, sorted);
        }
    }

    void stop() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
