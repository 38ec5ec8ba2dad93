package dev.switchboard.media;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * How many garbage collections the JVM has run so far, over all its collectors (young and full, or a concurrent
 * collector's pauses and cycles). Read by a mixer thread once per tick, so a late tick can say whether a collection ran
 * since its thread's previous tick ({@link LateTicks}). Thread-safe; {@link #total()} allocates nothing.
 */
final class CollectionCount {
    private final GarbageCollectorMXBean[] collectors;

    CollectionCount() {
        List<GarbageCollectorMXBean> beans = ManagementFactory.getGarbageCollectorMXBeans();
        this.collectors = beans.toArray(new GarbageCollectorMXBean[0]);
    }

    /** Collections so far, all collectors together; a collector that does not count (-1) adds nothing. */
    long total() {
        long n = 0;
        for (GarbageCollectorMXBean c : collectors) {
            long k = c.getCollectionCount();
            if (k > 0) {
                n += k;
            }
        }
        return n;
    }
}
