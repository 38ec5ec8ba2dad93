package dev.switchboard.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What stalled during a measurement, from three JFR events streamed in-process (cheap: nothing else is recorded):
 * the journal's fsyncs ({@code jdk.FileForce}), garbage-collection pauses ({@code jdk.GCPhasePause}) and monitor waits
 * of 10 ms or more ({@code jdk.JavaMonitorEnter}, by thread). A benchmark prints it beside its figures, so a run's tail
 * says whether the disk, the collector or a lock was behind it. Thread-safe; start, stop, print once.
 */
final class StallWatch {
    private final RecordingStream stream = new RecordingStream();
    private final List<Long> fsyncMicros = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> pauseMicros = Collections.synchronizedList(new ArrayList<>());
    /** thread name (numbers stripped) → {count, total µs, max µs} */
    private final Map<String, long[]> monitorWaits = new ConcurrentHashMap<>();

    private StallWatch() {
    }

    static StallWatch start() {
        StallWatch w = new StallWatch();
        w.stream.enable("jdk.FileForce").withThreshold(Duration.ZERO);
        w.stream.enable("jdk.GCPhasePause").withThreshold(Duration.ZERO);
        w.stream.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ofMillis(10)).withStackTrace();
        w.stream.onEvent("jdk.FileForce", e -> w.fsyncMicros.add(micros(e)));
        w.stream.onEvent("jdk.GCPhasePause", e -> w.pauseMicros.add(micros(e)));
        w.stream.onEvent("jdk.JavaMonitorEnter", e -> {
            String thread = e.getThread() == null ? "?" : e.getThread().getJavaName();
            String key = (thread == null || thread.isEmpty() ? "(virtual)" : thread.replaceAll("[-0-9]+$", ""))
                    + " in " + top(e);
            long[] agg = w.monitorWaits.computeIfAbsent(key, k -> new long[3]);
            synchronized (agg) {
                agg[0]++;
                agg[1] += micros(e);
                agg[2] = Math.max(agg[2], micros(e));
            }
        });
        w.stream.startAsync();
        return w;
    }

    void stop() {
        try {
            stream.stop(); // flushes what was recorded up to now to the handlers
        } finally {
            stream.close();
        }
    }

    void print() {
        System.out.println("stalls during the measurement (JFR): " + summary("journal fsyncs", fsyncMicros)
                + "; " + summary("GC pauses", pauseMicros));
        if (monitorWaits.isEmpty()) {
            System.out.println("  monitor waits >= 10 ms: none");
        }
        monitorWaits.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(6)
                .forEach(en -> System.out.printf("  monitor waits >= 10 ms: %d, total %.0f ms, max %.1f ms: %s%n",
                        en.getValue()[0], en.getValue()[1] / 1e3, en.getValue()[2] / 1e3, en.getKey()));
    }

    private static String summary(String what, List<Long> micros) {
        List<Long> d;
        synchronized (micros) {
            d = new ArrayList<>(micros);
        }
        if (d.isEmpty()) {
            return what + ": none";
        }
        Collections.sort(d);
        long over50 = d.stream().filter(x -> x >= 50_000).count();
        return String.format("%s: %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d of 50 ms or more", what, d.size(),
                d.get(d.size() / 2) / 1e3, d.get(Math.min(d.size() - 1, (int) Math.ceil(d.size() * 0.99) - 1)) / 1e3,
                d.get(d.size() - 1) / 1e3, over50);
    }

    private static long micros(RecordedEvent e) {
        return e.getDuration().toNanos() / 1000;
    }

    private static String top(RecordedEvent e) {
        if (e.getStackTrace() == null || e.getStackTrace().getFrames().isEmpty()) {
            return "?";
        }
        var f = e.getStackTrace().getFrames().get(0);
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }
}
