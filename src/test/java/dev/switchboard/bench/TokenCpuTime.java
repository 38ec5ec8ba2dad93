package dev.switchboard.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Supplier;

/**
 * The CPU time per token operation of the measuring thread (issue, full verification, remembered verification).
 * Complements {@link TokenBenchmark}: on a shared, oversubscribed machine wall-clock averages mostly measure the
 * waiting for a core, while thread CPU time measures the work itself.
 *
 * <p>Run (after {@code bench/jmh} has written {@code target/bench-cp.txt}):
 * {@code java -cp "target/classes:target/test-classes:$(cat target/bench-cp.txt)" dev.switchboard.bench.TokenCpuTime}
 */
public final class TokenCpuTime {
    private TokenCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        TokenBenchmark b = new TokenBenchmark();
        b.setUp();
        try {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            measure(mx, "issueAppToken", 300, 1_000, b::issueAppToken);
            measure(mx, "rsaSignatureOnly", 3_000, 10_000, () -> {
                try {
                    return b.rsaSignatureOnly();
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            });
            measure(mx, "verifyFull", 3_000, 10_000, b::verifyFull);
            measure(mx, "verifyRemembered", 200_000, 1_000_000, b::verifyRemembered);
        } finally {
            b.tearDown();
        }
    }

    private static void measure(ThreadMXBean mx, String name, int warmup, int ops, Supplier<?> op) {
        int sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += op.get().hashCode();
        }
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            sink += op.get().hashCode();
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        System.out.printf("%-18s cpu %9.3f us/op   wall %9.3f us/op   (%d ops, %d)%n", name, cpu / 1000.0 / ops,
                wall / 1000.0 / ops, ops, sink & 1);
    }
}
