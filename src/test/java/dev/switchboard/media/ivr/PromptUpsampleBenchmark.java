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

import java.util.concurrent.TimeUnit;

/**
 * One 20 ms frame of a prompt at {@code rate} interpolated to 48 kHz (the mixer thread's cost per call playing a
 * prompt, as {@code bench.PromptRenderBenchmark} measures through {@link PcmClip}): {@code current} is
 * {@link ClipUpsampler}, {@code legacy} the code it replaced in session 23 ({@link LegacyClipUpsampler}), side by side
 * in one run. {@code bench/jmh -f 1 -wi 3 -i 5 -w 1s -r 1s PromptUpsampleBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PromptUpsampleBenchmark {
    @Param({"8000", "16000", "44100"})
    public int rate;

    @Param({"current", "legacy"})
    public String impl;

    private short[] samples;
    private final short[] frame = new short[AudioCodec.MIX_FRAME];
    private long position;
    private long end;

    @Setup
    public void setUp() {
        samples = new short[rate * 10];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate));
        }
        end = 10L * AudioCodec.MIX_RATE - AudioCodec.MIX_FRAME;
    }

    @Benchmark
    public short[] render() {
        if (impl.equals("current")) {
            ClipUpsampler.render(samples, rate, position, frame, AudioCodec.MIX_FRAME);
        } else {
            LegacyClipUpsampler.render(samples, rate, position, frame, AudioCodec.MIX_FRAME);
        }
        position += AudioCodec.MIX_FRAME;
        if (position >= end) {
            position = 0;
        }
        return frame;
    }
}
