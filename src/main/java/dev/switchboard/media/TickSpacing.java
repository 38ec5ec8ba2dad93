package dev.switchboard.media;

/**
 * How the engine's mixer threads share the 20 ms period so that their rounds do not run at the same instant (issue 17,
 * late ticks). Left alone, every mixer thread's {@link TickPhase} finds the same best phase (rooms are spread over the
 * threads, so every thread's legs arrive alike), the threads' rounds start together each period and compete with each
 * other, the packet thread and everything else for the cores: on 2 cores with 1,000 PCMU legs a round of ~4.6 ms of CPU
 * took 8–35 ms of wall time and the next tick started late.
 *
 * <p>Instead the threads tick one after another, shortest round first: the thread whose rounds are shortest leads (it
 * places its tick with its {@link TickPhase}, where its legs' packets arrive), and each other thread ticks
 * {@link #spacing} after the thread just before it in that order — the previous round's smoothed duration plus a
 * margin, at most {@code period / threads} — moving its deadline by at most {@link TickPhase#MAX_STEP_NANOS} a second.
 * Shortest first adds the least wait to the frames of the rooms that come later (a small probe room leads, a big room
 * follows it by ~1 ms, not the other way round). The order uses a sticky key per thread ({@link #orderKey}) so that two
 * threads with about the same round do not swap every second.
 *
 * <p>Pure functions; the state lives in {@link MixerThread}.
 */
final class TickSpacing {
    /** Between the end of one thread's round and the start of the next thread's. */
    static final long GAP_NANOS = 1_000_000L;
    /** A thread closer than this to its place stays (the previous round's duration wobbles). */
    static final long DEAD_BAND_NANOS = 500_000L;
    /** A thread's order key moves only when its smoothed round moved by more than this share of the key ... */
    static final double KEY_HYSTERESIS = 0.25;
    /** ... and by more than this. */
    static final long KEY_HYSTERESIS_NANOS = 300_000L;

    private TickSpacing() {
    }

    /** How long after the previous thread's tick the next one ticks. */
    static long spacing(long previousRoundNanos, int threads) {
        long wanted = previousRoundNanos + previousRoundNanos / 4 + GAP_NANOS;
        return Math.max(GAP_NANOS, Math.min(MixerThread.PERIOD_NANOS / Math.max(1, threads), wanted));
    }

    /**
     * The nanoseconds a following thread moves its next deadline by (negative: earlier; at most
     * {@link TickPhase#MAX_STEP_NANOS}), so that it ticks {@code spacing} after the previous thread.
     * It moves within the period between the previous thread's tick and the next one, never across the previous
     * thread's tick — except when it is at most two steps behind it (the previous thread just moved past it), when
     * it moves later again.
     *
     * @param next             this thread's next deadline
     * @param previousDeadline the previous thread's current or next deadline (any of its deadlines: only the phase counts)
     */
    static long follow(long next, long previousDeadline, long spacing) {
        long period = MixerThread.PERIOD_NANOS;
        long offset = Math.floorMod(next - previousDeadline, period); // how long after the previous thread's tick
        if (offset > period - 2 * TickPhase.MAX_STEP_NANOS) {
            offset -= period; // just overtaken: it is before the previous tick, catch up later
        }
        long d = spacing - offset;
        if (Math.abs(d) < DEAD_BAND_NANOS) {
            return 0;
        }
        return Math.max(-TickPhase.MAX_STEP_NANOS, Math.min(TickPhase.MAX_STEP_NANOS, d));
    }

    /** A thread's new order key: its smoothed round once that moved far enough from the key it had, else the old key. */
    static long orderKey(long key, long smoothedRoundNanos) {
        long moved = Math.abs(smoothedRoundNanos - key);
        if (moved > KEY_HYSTERESIS_NANOS && moved > KEY_HYSTERESIS * key) {
            return smoothedRoundNanos;
        }
        return key;
    }

    /**
     * The thread just before {@code self} in the order (keys ascending, then index), or -1 if {@code self} leads.
     */
    static int previous(long[] keys, int self) {
        int best = -1;
        for (int i = 0; i < keys.length; i++) {
            if (i != self && before(keys, i, self) && (best < 0 || before(keys, best, i))) {
                best = i;
            }
        }
        return best;
    }

    private static boolean before(long[] keys, int a, int b) {
        return keys[a] < keys[b] || keys[a] == keys[b] && a < b;
    }
}
