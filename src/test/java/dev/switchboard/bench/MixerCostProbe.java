package dev.switchboard.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Load-independent costs of a bench run, for comparing code on a noisy machine: bytes allocated by the media mixer
 * threads (what makes garbage-collector pauses, which stall every mixer at once) and the collector's pauses. Take one
 * at the start, {@link #report} at the end; the bench's main thread only.
 */
final class MixerCostProbe {
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final long allocated0 = mixerAllocated();
    private final long gcCount0 = gcCount();
    private final long gcMillis0 = gcMillis();

    String report(int calls) {
        return String.format(Locale.ROOT, "mixerAllocatedBytesPerCall=%d gcCollections=%d gcMillis=%d",
                (mixerAllocated() - allocated0) / calls, gcCount() - gcCount0, gcMillis() - gcMillis0);
    }

    private long mixerAllocated() {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("switchboard-media-mixer-")) {
                sum += threads.getThreadAllocatedBytes(t.threadId());
            }
        }
        return sum;
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionTime());
        }
        return n;
    }
}
