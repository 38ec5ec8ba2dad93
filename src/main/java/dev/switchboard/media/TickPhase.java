package dev.switchboard.media;

/**
 * Where in the 20 ms period the audio packets of one mixer thread's legs arrive, and where its tick should sit so
 * they arrive just before it (issue 17, "unmute is heard fast"). A frame waits in the jitter buffer from its arrival
 * to the next tick; with the tick at a fixed, arbitrary phase that wait is anywhere from 0 to 20 ms for the life of
 * the call, and it is part of every delay a listener hears — an unmute's first frame, a talk spurt's start, and the
 * steady mouth-to-ear delay. The mixer thread moves its deadline, at most {@link #MAX_STEP_NANOS} per
 * {@link #ADJUST_EVERY_TICKS} ticks, to the phase that minimises the mean wait with {@link #MARGIN_NANOS} of safety
 * before the tick; when arrivals are spread evenly (legs at every phase) no phase is better and it stays.
 *
 * <p>Threads (see docs/concurrency.md): {@link #arrived} on the packet threads (plain int increments: a lost count
 * only blurs the estimate); {@link #adjust} on the owning mixer thread only.
 */
final class TickPhase {
    static final int BINS = 20;
    static final long BIN_NANOS = MixerThread.PERIOD_NANOS / BINS;
    /** A frame should arrive at least this long before the tick that takes it (arrival jitter, the tick's wake-up). */
    static final long MARGIN_NANOS = 3_000_000L;
    /** The most the deadline moves at once: one tick is at most 2 ms longer or shorter than 20 ms. */
    static final long MAX_STEP_NANOS = 2_000_000L;
    static final int ADJUST_EVERY_TICKS = 50;
    /** Fewer arrivals than this in a window (half a second of one talker) say nothing about a phase. */
    static final int MIN_ARRIVALS = 25;
    /** A better phase must cut the mean wait by at least this share before the tick moves. */
    static final double MIN_GAIN = 0.2;

    private final int[] arrivals = new int[BINS];
    /** Any instant: bins count arrivals after it modulo the period; the ticks' phase is measured from it too. */
    private final long grid;

    TickPhase(long grid) {
        this.grid = grid;
    }

    /** An audio packet of one of this thread's legs was admitted at {@code nowNanos}. Packet threads. */
    void arrived(long nowNanos) {
        arrivals[(int) (Math.floorMod(nowNanos - grid, MixerThread.PERIOD_NANOS) / BIN_NANOS)]++;
    }

    /**
     * Mixer thread, with its next deadline: the nanoseconds to move that deadline by (negative: earlier), 0 to stay.
     * Clears the window.
     */
    long adjust(long nextDeadline) {
        int[] counts = new int[BINS];
        int total = 0;
        for (int b = 0; b < BINS; b++) {
            counts[b] = arrivals[b];
            arrivals[b] = 0;
            total += counts[b];
        }
        long phase = Math.floorMod(nextDeadline - grid, MixerThread.PERIOD_NANOS); // where ticks sit, relative to grid
        if (total < MIN_ARRIVALS) {
            return 0;
        }
        long best = phase;
        double bestWait = meanWait(counts, total, phase);
        double currentWait = bestWait;
        for (int b = 0; b < BINS; b++) {
            long candidate = b * BIN_NANOS;
            double w = meanWait(counts, total, candidate);
            if (w < bestWait) {
                bestWait = w;
                best = candidate;
            }
        }
        if (best == phase || currentWait - bestWait < MIN_GAIN * currentWait) {
            return 0;
        }
        long delta = Math.floorMod(best - phase, MixerThread.PERIOD_NANOS); // later by delta, or earlier by period-delta
        long shift = delta <= MixerThread.PERIOD_NANOS / 2 ? Math.min(delta, MAX_STEP_NANOS)
                : -Math.min(MixerThread.PERIOD_NANOS - delta, MAX_STEP_NANOS);
        return shift;
    }

    /**
     * The mean wait from arrival to the tick that takes the frame, ticks at {@code tickPhase} past the grid: a frame
     * arriving in bin b is counted at the bin's end and needs {@link #MARGIN_NANOS} before its tick.
     */
    private static double meanWait(int[] counts, int total, long tickPhase) {
        double sum = 0;
        for (int b = 0; b < BINS; b++) {
            if (counts[b] == 0) {
                continue;
            }
            long latest = (b + 1) * BIN_NANOS + MARGIN_NANOS;
            long wait = Math.floorMod(tickPhase - latest, MixerThread.PERIOD_NANOS) + MARGIN_NANOS + BIN_NANOS;
            sum += (double) counts[b] * wait;
        }
        return sum / total;
    }
}
