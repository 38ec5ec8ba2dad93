package dev.switchboard.media.codec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link FrameEncoder#restart()} of both Opus implementations (a mute's restart, docs/media.md "The zero-leak rule"): a
 * restarted encoder encodes byte for byte what a new one with the same settings would, so nothing of what it was given
 * before reaches a packet after; and what it costs a listener whose decoder goes on across the restart, printed for the
 * docs (−20 dBFS at 300 Hz goes on while a −4 dBFS 1 kHz tone stops at the restart's frame).
 */
class OpusRestartTest {
    private static final int FRAMES = 60;
    private static final int MUTE = 50;

    @ParameterizedTest(name = "{0}, {1} preset")
    @CsvSource({"concentus, switchboard", "concentus, janus", "libopus, switchboard", "libopus, janus"})
    void aRestartedEncoderEncodesExactlyLikeANewOne(String library, String preset) {
        OpusCodecs codecs = codecs(library);
        OpusEncoderSettings settings = OpusEncoderSettings.preset(preset);
        FrameEncoder used = codecs.newEncoder(settings);
        FrameEncoder fresh = codecs.newEncoder(settings);
        byte[] a = new byte[used.maxPayloadBytes()];
        byte[] b = new byte[fresh.maxPayloadBytes()];
        for (int f = 0; f < 30; f++) {
            used.encode(tone(f, 1000, 20_000), a, 0);
        }
        used.restart();
        for (int f = 0; f < 50; f++) {
            short[] pcm = tone(f, 523, 12_000);
            int n = used.encode(pcm, a, 0);
            int m = fresh.encode(pcm, b, 0);
            assertThat(java.util.Arrays.copyOf(a, Math.max(n, 0))).as("frame %d after the restart", f)
                    .isEqualTo(java.util.Arrays.copyOf(b, Math.max(m, 0)));
        }
        used.close();
        fresh.close();
    }

    /** A listener of the talker that goes on: the restart's frame against no restart, measured and bounded. */
    @ParameterizedTest(name = "{0}, {1} preset")
    @CsvSource({"concentus, switchboard", "concentus, janus", "libopus, switchboard", "libopus, janus"})
    void whatTheRestartCostsAListenerWhoseDecoderGoesOn(String library, String preset) {
        OpusCodecs codecs = codecs(library);
        OpusEncoderSettings settings = OpusEncoderSettings.preset(preset);
        short[][] kept = decoded(codecs, settings, false);
        short[][] restarted = decoded(codecs, settings, true);
        double other = rmsDb(kept[FRAMES - 1]); // the talker that goes on, as heard
        StringBuilder report = new StringBuilder(library + ", " + preset + ": the other talker at " + fmt(other) + " dBFS rms;");
        double[] error = new double[4];
        for (int k = 0; k < error.length; k++) {
            error[k] = rmsDb(difference(kept[MUTE + k], restarted[MUTE + k]));
            report.append(String.format(" tick+%d: restarted %s/%s dBFS peak/rms (not restarted %s/%s), difference %s dBFS rms;", k,
                    fmt(peakDb(restarted[MUTE + k])), fmt(rmsDb(restarted[MUTE + k])), fmt(peakDb(kept[MUTE + k])),
                    fmt(rmsDb(kept[MUTE + k])), fmt(error[k])));
        }
        System.out.println(report);
        // the frame after the restart's carries its transient; from the next on the two streams differ by coding noise
        assertThat(error[1]).as(report.toString()).isLessThan(other - 6);
        assertThat(error[2]).as(report.toString()).isLessThan(other - 20);
        assertThat(error[3]).as(report.toString()).isLessThan(other - 20);
    }

    /** The frames a going-on decoder makes of the mix, with the encoder restarted at {@link #MUTE} or not. */
    private static short[][] decoded(OpusCodecs codecs, OpusEncoderSettings settings, boolean restart) {
        FrameEncoder encoder = codecs.newEncoder(settings);
        FrameDecoder decoder = codecs.newDecoder();
        byte[] packet = new byte[encoder.maxPayloadBytes()];
        short[][] out = new short[FRAMES][AudioCodec.MIX_FRAME];
        for (int f = 0; f < FRAMES; f++) {
            short[] mix = tone(f, 300, 3_277);
            if (f < MUTE) {
                short[] muted = tone(f, 1000, 20_000);
                for (int i = 0; i < mix.length; i++) {
                    mix[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, mix[i] + muted[i]));
                }
            } else if (f == MUTE && restart) {
                encoder.restart();
            }
            int n = encoder.encode(mix, packet, 0);
            decoder.decode(packet, 0, n, out[f]);
        }
        encoder.close();
        decoder.close();
        return out;
    }

    private static OpusCodecs codecs(String library) {
        OpusLibrary lib = OpusLibrary.parse(library);
        if (lib == OpusLibrary.LIBOPUS) {
            try {
                return OpusCodecs.select(lib);
            } catch (IllegalStateException e) {
                assumeTrue(false, e.getMessage());
            }
        }
        return OpusCodecs.select(lib);
    }

    static short[] tone(int frame, double hz, int amplitude) {
        short[] s = new short[AudioCodec.MIX_FRAME];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * (frame * s.length + i) / AudioCodec.MIX_RATE));
        }
        return s;
    }

    private static short[] difference(short[] a, short[] b) {
        short[] d = new short[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, b[i] - a[i]));
        }
        return d;
    }

    private static double rmsDb(short[] s) {
        double e = 0;
        for (short x : s) {
            e += (double) x * x;
        }
        return 10 * Math.log10(Math.max(e / s.length, 1e-3) / (32768.0 * 32768.0));
    }

    private static double peakDb(short[] s) {
        int p = 0;
        for (short x : s) {
            p = Math.max(p, Math.abs(x));
        }
        return 20 * Math.log10(Math.max(p, 1e-3) / 32768.0);
    }

    private static String fmt(double db) {
        return String.format(java.util.Locale.ROOT, "%.1f", db);
    }
}
