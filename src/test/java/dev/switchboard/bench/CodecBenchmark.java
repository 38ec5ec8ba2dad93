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

/** One 20 ms frame through each codec (48 kHz PCM in the mixer; G.711 includes the 8↔48 kHz resampling). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBenchmark {
    @Param({"PCMU", "OPUS"})
    public AudioCodec codec;

    private FrameEncoder encoder;
    private FrameDecoder decoder;
    private final short[][] pcm = new short[50][AudioCodec.MIX_FRAME];
    private final byte[][] payloads = new byte[50][];
    private final int[] lengths = new int[50];
    private final short[] out = new short[AudioCodec.MIX_FRAME];
    private byte[] scratch;
    private int i;

    @Setup
    public void setUp() {
        encoder = codec.newEncoder();
        decoder = codec.newDecoder();
        scratch = new byte[encoder.maxPayloadBytes()];
        for (int f = 0; f < 50; f++) {
            for (int s = 0; s < AudioCodec.MIX_FRAME; s++) {
                double t = (f * AudioCodec.MIX_FRAME + s) / 48000.0;
                pcm[f][s] = (short) (4096 * Math.sin(2 * Math.PI * 440 * t) + 2048 * Math.sin(2 * Math.PI * 660 * t));
            }
            payloads[f] = new byte[encoder.maxPayloadBytes()];
            lengths[f] = encoder.encode(pcm[f], payloads[f], 0);
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
        decoder.decode(payloads[i], 0, lengths[i], out);
        return out;
    }
}
