package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where in time {@code bench/graph-load}'s slow requests fall (its {@code --tail-log FILE}): per 10 ms slot of the
 * measured window, by the request's scheduled send, the requests, those over 20 ms, the worst latency and the worst
 * service time (write → answer). Written as one line per slot with the wall-clock time (UTC, ms) so the slots can be
 * laid next to the server's {@code -Xlog:gc*,safepoint} (decorated with {@code utcmillis}) or a JFR recording.
 * Thread-safe: recorded from every connection's thread.
 */
final class TailTimeline {
    private static final long SLOT_NANOS = 10_000_000L;
    private static final long SLOW_NANOS = 20_000_000L;

    private final long wallStartMillis;
    private final long nanoStart;
    private final int slots;
    private final AtomicLongArray count;
    private final AtomicLongArray slow;
    private final AtomicLongArray maxLatency;
    private final AtomicLongArray maxService;

    TailTimeline(long wallStartMillis, long nanoStart, int seconds) {
        this.wallStartMillis = wallStartMillis;
        this.nanoStart = nanoStart;
        this.slots = (int) ((seconds + 2) * 1_000_000_000L / SLOT_NANOS);
        this.count = new AtomicLongArray(slots);
        this.slow = new AtomicLongArray(slots);
        this.maxLatency = new AtomicLongArray(slots);
        this.maxService = new AtomicLongArray(slots);
    }

    /** One answered request: scheduled at {@code scheduled}, written at {@code sent}, answered at {@code answered}. */
    void record(long scheduled, long sent, long answered) {
        int i = (int) ((scheduled - nanoStart) / SLOT_NANOS);
        if (i < 0 || i >= slots) {
            return;
        }
        long latency = answered - scheduled;
        count.incrementAndGet(i);
        if (latency > SLOW_NANOS) {
            slow.incrementAndGet(i);
        }
        maxLatency.accumulateAndGet(i, latency, Math::max);
        maxService.accumulateAndGet(i, answered - sent, Math::max);
    }

    /** Writes the slots that had a request over 20 ms, and a header with the totals. */
    void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        long slowTotal = 0;
        for (int i = 0; i < slots; i++) {
            slowTotal += slow.get(i);
        }
        lines.add("# slot 10 ms; utc_ms slot requests over20ms max_latency_ms max_service_ms; slow total " + slowTotal);
        for (int i = 0; i < slots; i++) {
            if (slow.get(i) > 0) {
                lines.add(String.format("%d %d %d %d %.2f %.2f", wallStartMillis + i * 10L, i, count.get(i), slow.get(i),
                        maxLatency.get(i) / 1e6, maxService.get(i) / 1e6));
            }
        }
        Files.write(file, lines);
    }
}
