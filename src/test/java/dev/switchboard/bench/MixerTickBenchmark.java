package dev.switchboard.bench;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameDecoder;
import dev.switchboard.media.codec.FrameEncoder;
import dev.switchboard.media.mix.AudioMixer;
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
 * The CPU work of one room's 20 ms tick without I/O, as {@code RtpRoom.tick} does it: decode each talker's
 * frame, sum, encode a mix-minus per talker, and one shared encoding for all listeners. The budget is
 * 20 ms per tick for all rooms of a mixer thread, so (legs / tick time) × 20 ms = legs per core for mixing.
 * {@code resampler}: {@code fir} is the server's G.711 codec; {@code linear} the 6-sample average and linear
 * interpolation it had until session 22 ({@link LegacyG711}), for a comparison in one run (PCMU only; Opus ignores it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MixerTickBenchmark {
    @Param({"PCMU", "OPUS"})
    public AudioCodec codec;
    @Param({"3", "10"})
    public int legs;
    /** Talkers among the legs; -1 = everyone. */
    @Param({"-1", "2"})
    public int talkers;
    @Param({"fir"})
    public String resampler;

    private final AudioMixer mixer = new AudioMixer();
    private FrameDecoder[] decoders;
    private FrameEncoder[] encoders;
    private short[][] pcm;
    private byte[][] payloads;
    private int[] lengths;
    private final short[] scratch = new short[AudioCodec.MIX_FRAME];
    private byte[] out;
    private int talking;
    private FrameEncoder legacyShared;

    @Setup
    public void setUp() {
        talking = talkers < 0 ? legs : Math.min(talkers, legs);
        decoders = new FrameDecoder[legs];
        encoders = new FrameEncoder[legs];
        pcm = new short[legs][AudioCodec.MIX_FRAME];
        FrameEncoder source = codec.newEncoder();
        out = new byte[source.maxPayloadBytes()];
        boolean legacy = resampler.equals("linear") && codec == AudioCodec.PCMU;
        for (int l = 0; l < legs; l++) {
            decoders[l] = legacy ? new LegacyG711.Decoder() : codec.newDecoder();
            encoders[l] = legacy ? new LegacyG711.Encoder() : codec.newEncoder();
        }
        legacyShared = legacy ? new LegacyG711.Encoder() : null;
        EncodedTones tones = EncodedTones.of(codec, legs);
        payloads = tones.payloads();
        lengths = tones.lengths();
    }

    @Benchmark
    public int tick() {
        mixer.begin();
        for (int l = 0; l < talking; l++) {
            decoders[l].decode(payloads[l], 0, lengths[l], pcm[l]);
            mixer.add(pcm[l]);
        }
        int bytes = 0;
        for (int l = 0; l < talking; l++) {
            mixer.mixMinus(pcm[l], scratch);
            bytes += encoders[l].encode(scratch, out, 0);
        }
        if (talking < legs) {
            int shared = legacyShared != null ? legacyShared.encode(mixer.fullMix(), out, 0) : mixer.encodeShared(codec);
            bytes += shared * (legs - talking);
        }
        return bytes;
    }
}
