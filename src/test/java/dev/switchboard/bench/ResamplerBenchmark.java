package dev.switchboard.bench;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameDecoder;
import dev.switchboard.media.codec.FrameEncoder;
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
 * One 20 ms PCMU frame through the 48 ↔ 8 kHz resampling: {@code encode} is 960 samples down to 160 and µ-law,
 * {@code decode} µ-law and 160 samples up to 960, with the FIR resampler ({@code fir}) or the 6-sample average and
 * linear interpolation it replaced ({@code linear}, {@link LegacyG711}); {@code encodeNarrow} / {@code decodeNarrow}
 * are the µ-law alone (an 8 kHz room's path), so the differences are the resampling's cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ResamplerBenchmark {
    @Param({"fir", "linear"})
    public String resampler;

    private FrameEncoder encoder;
    private FrameDecoder decoder;
    private final short[][] pcm = new short[50][AudioCodec.MIX_FRAME];
    private final byte[][] payloads = new byte[50][160];
    private final short[] out = new short[AudioCodec.MIX_FRAME];
    private final byte[] scratch = new byte[160];
    private int i;

    @Setup
    public void setUp() {
        boolean fir = resampler.equals("fir");
        encoder = fir ? AudioCodec.PCMU.newEncoder() : new LegacyG711.Encoder();
        decoder = fir ? AudioCodec.PCMU.newDecoder() : new LegacyG711.Decoder();
        FrameEncoder source = AudioCodec.PCMU.newEncoder();
        for (int f = 0; f < 50; f++) {
            for (int s = 0; s < AudioCodec.MIX_FRAME; s++) {
                double t = (f * AudioCodec.MIX_FRAME + s) / 48000.0;
                pcm[f][s] = (short) (4096 * Math.sin(2 * Math.PI * 440 * t) + 2048 * Math.sin(2 * Math.PI * 2660 * t));
            }
            source.encode(pcm[f], payloads[f], 0);
        }
    }

    @Benchmark
    public int encode() {
        i = (i + 1) % 50;
        return encoder.encode(pcm[i], scratch, 0);
    }

    @Benchmark
    public short[] decode() {
        i = (i + 1) % 50;
        decoder.decode(payloads[i], 0, 160, out);
        return out;
    }

    @Benchmark
    public int encodeNarrow() {
        i = (i + 1) % 50;
        return AudioCodecs.PCMU_ENCODER.encodeNarrow(pcm[i], scratch, 0);
    }

    @Benchmark
    public short[] decodeNarrow() {
        i = (i + 1) % 50;
        AudioCodecs.PCMU_DECODER.decodeNarrow(payloads[i], 0, 160, out);
        return out;
    }

    /** The real PCMU codec's 8 kHz path, the same whichever resampler is measured. */
    static final class AudioCodecs {
        static final FrameEncoder PCMU_ENCODER = AudioCodec.PCMU.newEncoder();
        static final FrameDecoder PCMU_DECODER = AudioCodec.PCMU.newDecoder();
    }
}
