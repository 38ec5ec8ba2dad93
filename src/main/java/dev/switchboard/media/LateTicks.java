package dev.switchboard.media;

/**
 * A mixer thread's late-tick accounting: a tick whose start is more than {@link MixerThread#LATE_MILLIS} after its slot
 * is late for every room the thread ticks; it is also counted as late <em>after a collection</em> when the JVM ran a
 * garbage collection since the thread's previous tick started (the pause stopped the thread, or took the core it was
 * waiting for). The other late ticks waited for a core or ran behind a long round. The split is what
 * {@code bench/mute-under-load} prints (docs/benchmarks.md, "Issue 17, late ticks in one big room (session 7)").
 *
 * <p>Mixer thread only (one instance per {@link MixerThread}); the counters it adds to are thread-safe.
 */
final class LateTicks {
    private static final long LATE_NANOS = MixerThread.LATE_MILLIS * 1_000_000L;

    private final MediaCounters counters;
    private long collectionsSeen = -1;

    LateTicks(MediaCounters counters) {
        this.counters = counters;
    }

    /**
     * One tick of {@code rooms} rooms starts {@code lateNanos} after its slot, with {@code collections} collections run
     * so far ({@link CollectionCount#total()}). Returns true if the tick is late.
     */
    boolean started(long lateNanos, long collections, int rooms) {
        boolean collected = collectionsSeen >= 0 && collections != collectionsSeen;
        collectionsSeen = collections;
        counters.ticks.add(rooms);
        if (lateNanos <= LATE_NANOS) {
            return false;
        }
        counters.lateTicks.add(rooms);
        if (collected) {
            counters.lateTicksAfterCollection.add(rooms);
        }
        return true;
    }
}
