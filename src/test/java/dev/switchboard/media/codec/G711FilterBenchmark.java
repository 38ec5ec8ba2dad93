package dev.switchboard.media.codec;

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
 * One 20 ms frame of a G.711 leg's resampling alone (no µ-law): {@code down} is 960 samples at 48 kHz to 160 at 8 kHz
 * ({@link Decimator}), {@code up} 160 to 960 ({@link Resampler#up}); {@code current} against {@code legacy}, the code
 * session 23 replaced ({@link LegacyDecimator}, {@link LegacyResampler}), side by side in one run. The whole codec path
 * is {@code bench.ResamplerBenchmark}. {@code bench/jmh -f 1 -wi 3 -i 5 -w 1s -r 1s G711FilterBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class G711FilterBenchmark {
    @Param({"current", "legacy"})
    public String impl;

    private Decimator decimator;
    private LegacyDecimator legacyDecimator;
    private final short[][] wide = new short[50][AudioCodec.MIX_FRAME];
    private final short[][] narrow = new short[50][Resampler.UP_HISTORY + AudioCodec.NARROW_FRAME];
    private final short[] out = new short[AudioCodec.MIX_FRAME];
    private int i;

    @Setup
    public void setUp() {
        decimator = new Decimator();
        legacyDecimator = new LegacyDecimator();
        Random r = new Random(1);
        for (int f = 0; f < 50; f++) {
            for (int s = 0; s < AudioCodec.MIX_FRAME; s++) {
                double t = (f * AudioCodec.MIX_FRAME + s) / 48000.0;
                wide[f][s] = (short) (4096 * Math.sin(2 * Math.PI * 440 * t) + 2048 * Math.sin(2 * Math.PI * 2660 * t)
                        + r.nextInt(513) - 256);
            }
            for (int s = 0; s < narrow[f].length; s++) {
                narrow[f][s] = (short) (4096 * Math.sin(2 * Math.PI * 440 * (f * 160 + s) / 8000.0) + r.nextInt(513) - 256);
            }
        }
    }

    @Benchmark
    public short[] down() {
        i = (i + 1) % 50;
        if (impl.equals("current")) {
            decimator.down(wide[i], out);
        } else {
            legacyDecimator.down(wide[i], out);
        }
        return out;
    }

    @Benchmark
    public short[] up() {
        i = (i + 1) % 50;
        if (impl.equals("current")) {
            Resampler.up(narrow[i], out);
        } else {
            LegacyResampler.up(narrow[i], out);
        }
        return out;
    }
}
