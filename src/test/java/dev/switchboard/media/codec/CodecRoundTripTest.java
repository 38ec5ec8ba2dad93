package dev.switchboard.media.codec;

import dev.switchboard.testsupport.ToneAnalysis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** 48 kHz PCM → encoder → decoder → 48 kHz PCM keeps a tone and adds no other. */
class CodecRoundTripTest {

    @ParameterizedTest
    @EnumSource(AudioCodec.class)
    void aToneSurvivesEncodeAndDecode(AudioCodec codec) {
        toneSurvives(codec, codec.newEncoder());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"switchboard", "janus"})
    void aToneSurvivesEveryOpusPreset(String preset) {
        toneSurvives(AudioCodec.OPUS, AudioCodec.OPUS.newEncoder(OpusEncoderSettings.preset(preset)));
    }

    @Test
    void opusEncoderSettingsRejectOutOfRangeValues() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpusEncoderSettings.SWITCHBOARD.withComplexity(11))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpusEncoderSettings.SWITCHBOARD.withBitrate(5_000))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpusEncoderSettings.preset("libopus"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(OpusEncoderSettings.preset("JANUS")).isEqualTo(new OpusEncoderSettings(4, OpusEncoderSettings.AUTO_BITRATE,
                OpusEncoderSettings.Bandwidth.FULLBAND, OpusEncoderSettings.Application.VOIP));
    }

    private static void toneSurvives(AudioCodec codec, FrameEncoder enc) {
        FrameDecoder dec = codec.newDecoder();
        short[] in = new short[AudioCodec.MIX_FRAME];
        short[] out = new short[AudioCodec.MIX_FRAME];
        byte[] payload = new byte[enc.maxPayloadBytes()];
        int frames = 50;
        double[] decoded = new double[frames * AudioCodec.MIX_FRAME];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < in.length; i++) {
                double t = (f * in.length + i) / 48000.0;
                in[i] = (short) Math.round(4096 * Math.sin(2 * Math.PI * 440 * t));
            }
            int n = enc.encode(in, payload, 0);
            assertThat(n).isPositive();
            if (codec != AudioCodec.OPUS) {
                assertThat(n).isEqualTo(160);
            }
            assertThat(dec.decode(payload, 0, n, out)).isTrue();
            for (int i = 0; i < out.length; i++) {
                decoded[f * out.length + i] = out[i] / 32768.0;
            }
        }
        int skip = 10 * AudioCodec.MIX_FRAME; // codec start-up
        double at440 = ToneAnalysis.db(ToneAnalysis.goertzel(decoded, skip, decoded.length, 48000, 440, true));
        double at660 = ToneAnalysis.db(ToneAnalysis.goertzel(decoded, skip, decoded.length, 48000, 660, true));
        assertThat(at440).as("440 Hz after %s", codec).isBetween(-20.0, -16.0);
        assertThat(at660).as("660 Hz after %s", codec).isLessThan(-60.0);
    }

    @Test
    void opusConcealmentAndGarbageNeverThrow() {
        FrameDecoder dec = AudioCodec.OPUS.newDecoder();
        short[] out = new short[AudioCodec.MIX_FRAME];
        dec.conceal(out);
        byte[] junk = new byte[200];
        new java.util.Random(1).nextBytes(junk);
        dec.decode(junk, 0, junk.length, out);
        dec.decode(junk, 0, 1, out);
        dec.reset();
        assertThat(out).hasSize(AudioCodec.MIX_FRAME);
    }

    @Test
    void g711ConcealmentFadesToSilence() {
        FrameDecoder dec = AudioCodec.PCMU.newDecoder();
        short[] out = new short[AudioCodec.MIX_FRAME];
        byte[] loud = new byte[160];
        java.util.Arrays.fill(loud, G711.linearToUlaw(8000));
        dec.decode(loud, 0, 160, out);
        for (int i = 0; i < 20; i++) {
            dec.conceal(out);
        }
        for (short s : out) {
            assertThat(Math.abs(s)).isLessThan(16);
        }
    }

    @ParameterizedTest
    @EnumSource(value = AudioCodec.class, names = {"PCMU", "PCMA"})
    void g711AtEightKilohertzIsBitExactBothWays(AudioCodec codec) {
        assertThat(codec.narrowband()).isTrue();
        FrameDecoder dec = codec.newDecoder();
        FrameEncoder enc = codec.newEncoder();
        byte[] payload = new byte[160];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 37);
        }
        short[] pcm = new short[AudioCodec.MIX_FRAME];
        assertThat(dec.decodeNarrow(payload, 0, 160, pcm)).isTrue();
        byte[] again = new byte[160];
        assertThat(enc.encodeNarrow(pcm, again, 0)).isEqualTo(160);
        for (int i = 0; i < 160; i++) {
            assertThat(codec == AudioCodec.PCMU ? G711.ulawToLinear(again[i]) : G711.alawToLinear(again[i]))
                    .isEqualTo(codec == AudioCodec.PCMU ? G711.ulawToLinear(payload[i]) : G711.alawToLinear(payload[i]));
        }
        dec.concealNarrow(pcm); // half of the last frame
        short before = codec == AudioCodec.PCMU ? G711.ulawToLinear(payload[5]) : G711.alawToLinear(payload[5]);
        assertThat((int) pcm[5]).isEqualTo(before >> 1);
        assertThat(AudioCodec.OPUS.narrowband()).isFalse();
    }
}
