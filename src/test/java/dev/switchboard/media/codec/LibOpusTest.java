package dev.switchboard.media.codec;

import dev.switchboard.testsupport.ToneAnalysis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The C libopus through the FFM API against Concentus: each decodes the other's stream, {@code auto} picks libopus
 * where it can, {@code concentus} forces Concentus, and native states are freed. Skipped (with the reason) where the
 * JDK is older than 22 or libopus0 is not installed; CI has both (run-tests installs libopus0).
 */
class LibOpusTest {
    private static final OpusCodecs CONCENTUS = OpusCodecs.select(OpusLibrary.CONCENTUS);

    private OpusCodecs libopus;

    @BeforeEach
    void libopusIsHere() {
        assumeTrue(Runtime.version().feature() >= 22, "libopus through the FFM API needs JDK 22+, this is "
                + Runtime.version());
        assumeTrue(libopusInstalled(), "libopus.so.0 is not installed here (Debian: apt-get install libopus0)");
        libopus = OpusCodecs.select(OpusLibrary.LIBOPUS);
    }

    private static boolean libopusInstalled() {
        for (String dir : new String[] {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/usr/lib64", "/usr/local/lib"}) {
            if (Files.exists(Path.of(dir, "libopus.so.0"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void autoSelectsLibopusOnThisJdkAndConcentusCanBeForced() {
        OpusCodecs auto = OpusCodecs.select(OpusLibrary.AUTO);
        assertThat(auto.isNative()).isTrue();
        assertThat(auto.fallbackReason()).isNull();
        assertThat(auto.describe()).startsWith("libopus 1.").contains("FFM");
        assertThat(auto.newEncoder(OpusEncoderSettings.JANUS)).isInstanceOf(LibOpusEncoderType.ENCODER);
        assertThat(CONCENTUS.isNative()).isFalse();
        assertThat(CONCENTUS.describe()).startsWith("Concentus");
        assertThat(CONCENTUS.newEncoder(OpusEncoderSettings.JANUS)).isInstanceOf(OpusFrameEncoder.class);
        assertThat(CONCENTUS.newDecoder()).isInstanceOf(OpusFrameDecoder.class);
        assertThat(OpusCodecs.current().isNative()).as("the process default is auto").isTrue();
        assertThat(AudioCodec.OPUS.newDecoder().getClass().getSimpleName()).isEqualTo("LibOpusDecoder");
    }

    @ParameterizedTest
    @ValueSource(strings = {"switchboard", "janus"})
    void aToneEncodedByLibopusIsDecodedByConcentus(String preset) {
        toneSurvives(libopus.newEncoder(OpusEncoderSettings.preset(preset)), CONCENTUS.newDecoder());
    }

    @ParameterizedTest
    @ValueSource(strings = {"switchboard", "janus"})
    void aToneEncodedByConcentusIsDecodedByLibopus(String preset) {
        toneSurvives(CONCENTUS.newEncoder(OpusEncoderSettings.preset(preset)), libopus.newDecoder());
    }

    @Test
    void thePresetsReachLibopus() {
        // the same 440 Hz frames: complexity 0 CELT-only at 32 kbit/s is ~80 bytes a frame, voip/auto/fullband ~128
        byte[] switchboard = encodeOneSecond(libopus.newEncoder(OpusEncoderSettings.SWITCHBOARD));
        byte[] janus = encodeOneSecond(libopus.newEncoder(OpusEncoderSettings.JANUS));
        assertThat(switchboard.length / 50).isBetween(70, 90);
        assertThat(janus.length / 50).isBetween(100, 140);
        byte[] concentus = encodeOneSecond(CONCENTUS.newEncoder(OpusEncoderSettings.SWITCHBOARD));
        assertThat(concentus.length / 50).as("the same settings give the same bitrate").isBetween(70, 90);
    }

    @Test
    void libopusConcealsAndSurvivesGarbageAndReset() {
        FrameDecoder dec = libopus.newDecoder();
        short[] out = new short[AudioCodec.MIX_FRAME];
        dec.conceal(out);
        byte[] junk = new byte[200];
        new java.util.Random(1).nextBytes(junk);
        dec.decode(junk, 0, junk.length, out);
        assertThat(dec.decode(junk, 0, 0, out)).isFalse();
        dec.reset();
        FrameEncoder enc = libopus.newEncoder(OpusEncoderSettings.SWITCHBOARD);
        byte[] payload = new byte[enc.maxPayloadBytes()];
        short[] tone = tone(0);
        int n = enc.encode(tone, payload, 0);
        assertThat(dec.decode(payload, 0, n, out)).isTrue();
        long errors = OpusCodecs.frameErrors();
        assertThat(dec.decode(payload, 0, 5000, new short[AudioCodec.MIX_FRAME])).as("longer than any packet").isFalse();
        assertThat(OpusCodecs.frameErrors()).as("counted").isEqualTo(errors + 1);
    }

    @Test
    void aClosedCodecFailsCleanlyAndClosingTwiceIsHarmless() {
        FrameEncoder enc = libopus.newEncoder(OpusEncoderSettings.JANUS);
        FrameDecoder dec = libopus.newDecoder();
        enc.close();
        enc.close();
        dec.close();
        byte[] payload = new byte[enc.maxPayloadBytes()];
        assertThat(enc.encode(tone(0), payload, 0)).isEqualTo(-1);
        short[] out = tone(0);
        assertThat(dec.decode(new byte[] {(byte) 0xf8, 1, 2}, 0, 3, out)).isFalse();
        assertThat(out).containsOnly((short) 0);
        dec.reset();
    }

    @Test
    void creatingAndClosingCodecsLeavesNoNativeStateBehind() {
        int before = OpusCodecs.liveNativeStates();
        short[] pcm = tone(0);
        byte[] payload = new byte[1275];
        short[] out = new short[AudioCodec.MIX_FRAME];
        for (int i = 0; i < 2_000; i++) {
            FrameEncoder enc = libopus.newEncoder(i % 2 == 0 ? OpusEncoderSettings.JANUS : OpusEncoderSettings.SWITCHBOARD);
            FrameDecoder dec = libopus.newDecoder();
            assertThat(OpusCodecs.liveNativeStates()).isGreaterThanOrEqualTo(before + 2);
            dec.decode(payload, 0, enc.encode(pcm, payload, 0), out);
            enc.close();
            dec.close();
        }
        assertThat(OpusCodecs.liveNativeStates()).as("every opus_*_create met its opus_*_destroy").isEqualTo(before);
    }

    @Test
    void aCodecDroppedWithoutCloseIsFreedWhenCollected() {
        int before = OpusCodecs.liveNativeStates();
        List<Object> codecs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            codecs.add(libopus.newEncoder(OpusEncoderSettings.SWITCHBOARD));
            codecs.add(libopus.newDecoder());
        }
        assertThat(OpusCodecs.liveNativeStates()).isGreaterThanOrEqualTo(before + 200);
        codecs.clear();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            System.gc();
            return OpusCodecs.liveNativeStates() <= before;
        });
    }

    /** Finds LibOpusEncoder, a class only the JDK 22+ classes have. */
    private static final class LibOpusEncoderType {
        static final Class<?> ENCODER = load();

        private static Class<?> load() {
            try {
                return Class.forName("dev.switchboard.media.codec.LibOpusEncoder");
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static short[] tone(int frame) {
        short[] in = new short[AudioCodec.MIX_FRAME];
        for (int i = 0; i < in.length; i++) {
            double t = (frame * in.length + i) / 48000.0;
            in[i] = (short) Math.round(4096 * Math.sin(2 * Math.PI * 440 * t));
        }
        return in;
    }

    private static byte[] encodeOneSecond(FrameEncoder enc) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        byte[] payload = new byte[enc.maxPayloadBytes()];
        for (int f = 0; f < 50; f++) {
            int n = enc.encode(tone(f), payload, 0);
            assertThat(n).isPositive();
            all.write(payload, 0, n);
        }
        return all.toByteArray();
    }

    /** As CodecRoundTripTest: 440 Hz at -18 dBFS comes through, nothing at 660 Hz. */
    private static void toneSurvives(FrameEncoder enc, FrameDecoder dec) {
        short[] out = new short[AudioCodec.MIX_FRAME];
        byte[] payload = new byte[enc.maxPayloadBytes()];
        int frames = 50;
        double[] decoded = new double[frames * AudioCodec.MIX_FRAME];
        for (int f = 0; f < frames; f++) {
            int n = enc.encode(tone(f), payload, 0);
            assertThat(n).isPositive();
            assertThat(dec.decode(payload, 0, n, out)).isTrue();
            for (int i = 0; i < out.length; i++) {
                decoded[f * out.length + i] = out[i] / 32768.0;
            }
        }
        int skip = 10 * AudioCodec.MIX_FRAME;
        double at440 = ToneAnalysis.db(ToneAnalysis.goertzel(decoded, skip, decoded.length, 48000, 440, true));
        double at660 = ToneAnalysis.db(ToneAnalysis.goertzel(decoded, skip, decoded.length, 48000, 660, true));
        assertThat(at440).isBetween(-20.0, -16.0);
        assertThat(at660).isLessThan(-60.0);
    }
}
