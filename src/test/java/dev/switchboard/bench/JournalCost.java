package dev.switchboard.bench;

import dev.switchboard.journal.CallJournal;
import dev.switchboard.journal.FileCallJournal;
import dev.switchboard.journal.JournaledCall;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What the crash journal adds to call creation: the latency of {@link CallJournal#callCreated} (append + fsync)
 * and of {@code callEnded} (append only), one creator at a time and with concurrent creators sharing fsyncs.
 * Usage: {@code java -cp target/classes:target/test-classes:<deps> dev.switchboard.bench.JournalCost [dir] [calls]}
 * (bench/journal-cost does this). The directory should be on the disk the data directory will use.
 */
public final class JournalCost {
    private JournalCost() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(args.length > 0 ? args[0] : "target"), "journal-cost");
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        try (FileCallJournal journal = FileCallJournal.open(dir.resolve("calls.journal"))) {
            run(journal, calls / 4, 1, false); // warm-up
            run(journal, calls, 1, true);
            run(journal, calls, 8, true);
        }
        System.out.printf("file %s (%s)%n", dir.resolve("calls.journal"), Files.getFileStore(dir).type());
    }

    private static void run(FileCallJournal journal, int calls, int threads, boolean print) throws Exception {
        long[] created = new long[calls];
        long[] ended = new long[calls];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            done.add(pool.submit(() -> {
                for (int i = first; i < calls; i += threads) {
                    String id = "call-" + threads + "-" + i;
                    long t0 = System.nanoTime();
                    journal.callCreated(new JournaledCall(id, "chain-" + i, "tenant", "app",
                            URI.create("https://bot.example/callback"), "me-" + i, List.of("me-" + i, "alice", "bob")));
                    long t1 = System.nanoTime();
                    journal.callEnded(id);
                    created[i] = t1 - t0;
                    ended[i] = System.nanoTime() - t1;
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long wall = System.nanoTime() - start;
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        if (print) {
            System.out.printf("threads=%d calls=%d created(append+fsync) p50=%.3f ms p99=%.3f ms max=%.3f ms | ended(append) "
                            + "p50=%.3f ms p99=%.3f ms | %.0f creates/s | compactions so far=%d%n", threads, calls,
                    pct(created, 50), pct(created, 99), pct(created, 100), pct(ended, 50), pct(ended, 99),
                    calls / (wall / 1e9), journal.compactions());
        }
    }

    private static double pct(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int i = Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
