package dev.switchboard.bench;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.Callable;

/**
 * CPU time per WebRTC operation ({@link WebRtcBenchmark}'s work): SRTP protect and protect + unprotect of a 20 ms
 * Opus packet for both profiles, one STUN check answered (thread CPU time), and one DTLS-SRTP handshake with
 * both peers in this process (process CPU time, so server + client + JIT/GC; a server does only its half). On a
 * shared, oversubscribed machine wall clock mostly measures the wait for a core; CPU time measures the work.
 *
 * <p>Run (after {@code bench/jmh} has written {@code target/bench-cp.txt}):
 * {@code java -cp "target/classes:target/test-classes:$(cat target/bench-cp.txt)" dev.switchboard.bench.WebRtcCpuTime}
 */
public final class WebRtcCpuTime {
    private WebRtcCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (String profile : new String[] {"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"}) {
            WebRtcBenchmark.Srtp s = new WebRtcBenchmark.Srtp();
            s.profile = profile;
            s.setUp();
            measure(mx, "protect " + profile, 200_000, 1_000_000, s::protect);
            measure(mx, "roundTrip " + profile, 200_000, 1_000_000, s::roundTrip);
        }
        WebRtcBenchmark.Stun stun = new WebRtcBenchmark.Stun();
        stun.setUp();
        measure(mx, "stun answerCheck", 100_000, 500_000, stun::answerCheck);

        WebRtcBenchmark.Dtls dtls = new WebRtcBenchmark.Dtls();
        dtls.setUp();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int i = 0; i < 100; i++) {
            dtls.handshake();
        }
        int n = 200;
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            dtls.handshake();
        }
        double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / n;
        double wallMs = (System.nanoTime() - wall0) / 1e6 / n;
        System.out.printf("%-36s cpu %9.3f ms/op   wall %9.3f ms/op   (%d ops; process CPU, both peers) → %.0f handshakes/s per core%n",
                "dtls handshake", cpuMs, wallMs, n, 1000 / cpuMs);
    }

    private static void measure(ThreadMXBean mx, String name, int warmup, int ops, Callable<?> op) throws Exception {
        int sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += op.call().hashCode();
        }
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            sink += op.call().hashCode();
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        System.out.printf("%-36s cpu %9.3f us/op   wall %9.3f us/op   (%d ops, %d)%n", name, cpu / 1000.0 / ops,
                wall / 1000.0 / ops, ops, sink & 1);
    }
}
