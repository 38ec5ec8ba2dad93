package dev.switchboard.media.ivr;

import dev.switchboard.media.codec.AudioCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One 20 ms frame of a recording's 48 → 16 kHz decimation (the mixer thread's cost per call recording):
 * {@code current} is {@link RecordingDecimator}, {@code legacy} the code it replaced in session 23
 * ({@link LegacyRecordingDecimator}), side by side in one run. Here rather than in {@code dev.switchboard.bench}
 * because the filters are package-private. {@code bench/jmh -f 1 -wi 3 -i 5 -w 1s -r 1s RecordingDecimatorBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordingDecimatorBenchmark {
    @Param({"current", "legacy"})
    public String impl;

    private RecordingDecimator current;
    private LegacyRecordingDecimator legacy;
    private final int[][] heard = new int[50][AudioCodec.MIX_FRAME];
    private final short[] out = new short[AudioCodec.MIX_FRAME / 3];
    private int i;

    @Setup
    public void setUp() {
        current = new RecordingDecimator();
        legacy = new LegacyRecordingDecimator();
        Random r = new Random(1);
        for (int f = 0; f < 50; f++) {
            for (int s = 0; s < AudioCodec.MIX_FRAME; s++) {
                double t = (f * AudioCodec.MIX_FRAME + s) / 48000.0;
                heard[f][s] = (int) (6000 * Math.sin(2 * Math.PI * 440 * t) + 3000 * Math.sin(2 * Math.PI * 9000 * t))
                        + r.nextInt(2001) - 1000;
            }
        }
    }

    @Benchmark
    public long down() {
        i = (i + 1) % 50;
        return impl.equals("current") ? current.down(heard[i], out, 0) : legacy.down(heard[i], out, 0);
    }
}
