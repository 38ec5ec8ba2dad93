package dev.switchboard.bench;

import dev.switchboard.api.GraphRequestLimit;
import dev.switchboard.api.GraphRequestThrottle;
import dev.switchboard.auth.Principal;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What {@code --graph-request-limit} adds to every Graph request, the mute included: counting one request of an
 * (app, tenant) among 50 others, never refused (the most requests a window takes, on a clock that runs 1,000 times
 * fast: a window of 1 s ends every real millisecond, long before 10 million requests). Run with {@code -prof gc} for
 * the bytes allocated per request (none), and with {@code -t 2} for two request threads on one window.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GraphThrottleBenchmark {
    private GraphRequestThrottle throttle;
    private Principal bot;

    @Setup
    public void setUp() {
        throttle = new GraphRequestThrottle(new GraphRequestLimit(GraphRequestLimit.MAX_REQUESTS, Duration.ofSeconds(1)),
                new FastClock());
        for (int i = 0; i < 50; i++) {
            throttle.count(Principal.app("tenant-" + i, "app", "Other", Set.of()));
        }
        // the token's own strings, not the ones the windows were made with (as a verified token's would be)
        bot = Principal.app(new String("00000000-0000-4000-8000-000000000001"),
                new String("00000000-0000-4000-8000-00000000b071"), "Dev Bot", Set.of());
    }

    /** Milliseconds from {@link System#nanoTime()}, 1,000 of them each real millisecond. */
    private static final class FastClock extends Clock {
        @Override
        public long millis() {
            return System.nanoTime() / 1_000;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis());
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Benchmark
    public Principal count() {
        throttle.count(bot);
        return bot;
    }
}
