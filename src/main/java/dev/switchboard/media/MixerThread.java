package dev.switchboard.media;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * A platform thread that ticks its rooms every 20 ms on absolute deadlines (start + k·20 ms), so
 * timing does not drift when a tick runs long. A room tick that starts more than {@link #LATE_MILLIS}
 * after its slot counts as late; when the thread falls more than {@link #MAX_CATCH_UP} ticks behind
 * (the process was stopped), the missed ticks are skipped and counted as late instead of bursting; a late tick after a
 * garbage collection is counted as such too ({@link LateTicks}). Once a second the
 * deadline may move by up to 2 ms so its rooms' packets arrive just before the tick ({@link TickPhase}).
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class MixerThread implements Runnable {
    static final long PERIOD_NANOS = 20_000_000L;
    static final long LATE_MILLIS = 5;
    static final int MAX_CATCH_UP = 5;

    private final MediaCounters counters;
    private final Thread thread;
    private final TickPhase phase = new TickPhase(System.nanoTime());
    private final CollectionCount collections = new CollectionCount();
    private final LateTicks late;
    private volatile RtpRoom[] rooms = new RtpRoom[0];
    private volatile boolean running = true;

    MixerThread(String name, MediaCounters counters) {
        this.counters = counters;
        this.late = new LateTicks(counters);
        this.thread = Thread.ofPlatform().name(name).daemon(true).priority(Thread.MAX_PRIORITY).unstarted(this);
    }

    void start() {
        thread.start();
    }

    synchronized void add(RtpRoom room) {
        RtpRoom[] r = Arrays.copyOf(rooms, rooms.length + 1);
        r[r.length - 1] = room;
        rooms = r;
    }

    synchronized void remove(RtpRoom room) {
        RtpRoom[] current = rooms;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == room) {
                RtpRoom[] r = new RtpRoom[current.length - 1];
                System.arraycopy(current, 0, r, 0, i);
                System.arraycopy(current, i + 1, r, i, current.length - i - 1);
                rooms = r;
                return;
            }
        }
    }

    /** Where its legs' packets arrive in the period (packet threads report to it). */
    TickPhase phase() {
        return phase;
    }

    int roomCount() {
        return rooms.length;
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
            RtpRoom[] rs = rooms;
            late.started(now - next, collections.total(), rs.length);
            for (RtpRoom room : rs) {
                try {
                    room.tick();
                } catch (RuntimeException e) {
                    // a broken room must not stop the others; its legs' counters show the gap
                }
            }
            long done = System.nanoTime();
            counters.recordTick(done - now);
            next += PERIOD_NANOS;
            if (++sincePhase == TickPhase.ADJUST_EVERY_TICKS) {
                sincePhase = 0;
                next += phase.adjust(next);
            }
            long behind = (done - next) / PERIOD_NANOS;
            if (behind > MAX_CATCH_UP) {
                next += behind * PERIOD_NANOS;
                counters.ticks.add(behind * rs.length);
                counters.lateTicks.add(behind * rs.length);
                for (RtpRoom room : rs) {
                    room.skipTicks(behind);
                }
            }
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
