package dev.switchboard.bench;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.ivr.PcmClip;
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
 * One 20 ms frame of a playing prompt rendered at the mix rate (the mixer thread's cost per call playing a prompt):
 * a prompt is kept at its own rate (docs/ivr-media.md, "Prompt memory") and interpolated to 48 kHz as it plays.
 * {@code bench/jmh -f 1 -wi 2 -i 3 -w 1s -r 1s PromptRender}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PromptRenderBenchmark {
    @Param({"8000", "16000", "44100", "48000"})
    public int rate;

    private PcmClip clip;
    private final short[] frame = new short[AudioCodec.MIX_FRAME];
    private long position;

    @Setup
    public void setUp() {
        short[] s = new short[rate * 10];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate));
        }
        clip = new PcmClip(s, rate);
    }

    @Benchmark
    public short[] renderFrame() {
        position += clip.render(position, frame);
        if (position >= clip.length()) {
            position = 0;
        }
        return frame;
    }
}
