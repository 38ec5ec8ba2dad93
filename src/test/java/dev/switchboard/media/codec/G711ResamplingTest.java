package dev.switchboard.media.codec;

import dev.switchboard.testsupport.ToneAnalysis;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 48 ↔ 8 kHz resampling of G.711 legs, measured with tones through the real encoder and decoder: flat in the
 * telephone band, nothing above 4.5 kHz folded into it on the way down, no images above 4.5 kHz on the way up, and
 * frames filtered as one continuous signal.
 */
class G711ResamplingTest {
    static final int FRAMES = 50;
    static final int SKIP = 5; // the filters' start (1.7 ms) and the Goertzel window's edges are well inside 5 frames
    static final double LEVEL = 0.25; // -12 dBFS

    /** A tone at 48 kHz through a PCMU encoder frame by frame; the payloads decoded sample by sample (no resampling). */
    static double[] encodeTone(double hz, double amplitude) {
        FrameEncoder enc = AudioCodec.PCMU.newEncoder();
        short[] in = new short[AudioCodec.MIX_FRAME];
        byte[] payload = new byte[160];
        double[] narrow = new double[FRAMES * 160];
        for (int f = 0; f < FRAMES; f++) {
            for (int i = 0; i < in.length; i++) {
                in[i] = (short) Math.round(32767 * amplitude * Math.sin(2 * Math.PI * hz * (f * in.length + i) / 48000));
            }
            assertThat(enc.encode(in, payload, 0)).isEqualTo(160);
            for (int i = 0; i < 160; i++) {
                narrow[f * 160 + i] = G711.ulawToLinear(payload[i]) / 32768.0;
            }
        }
        return narrow;
    }

    /** A tone at 8 kHz as PCMU payloads through a PCMU decoder, frame by frame, to 48 kHz. */
    static double[] decodeTone(double hz, double amplitude) {
        FrameDecoder dec = AudioCodec.PCMU.newDecoder();
        byte[] payload = new byte[160];
        short[] out = new short[AudioCodec.MIX_FRAME];
        double[] wide = new double[FRAMES * AudioCodec.MIX_FRAME];
        for (int f = 0; f < FRAMES; f++) {
            for (int i = 0; i < 160; i++) {
                payload[i] = G711.linearToUlaw((short) Math.round(32767 * amplitude * Math.sin(2 * Math.PI * hz * (f * 160 + i) / 8000)));
            }
            assertThat(dec.decode(payload, 0, 160, out)).isTrue();
            for (int i = 0; i < out.length; i++) {
                wide[f * out.length + i] = out[i] / 32768.0;
            }
        }
        return wide;
    }

    static double level(double[] x, double rate, double hz) {
        int from = (int) (SKIP * rate / 50);
        return ToneAnalysis.db(ToneAnalysis.goertzel(x, from, x.length, rate, hz, true));
    }

    /** Where a tone of {@code hz} lands in a stream sampled at {@code rate}. */
    static double folded(double hz, double rate) {
        double f = hz % rate;
        return f > rate / 2 ? rate - f : f;
    }

    @Test
    void downIsFlatToThreePointFourKilohertz() {
        double in = ToneAnalysis.db(LEVEL);
        double worst = 0;
        for (int hz = 100; hz <= 3400; hz += 100) {
            double gain = level(encodeTone(hz, LEVEL), 8000, hz) - in;
            worst = Math.max(worst, Math.abs(gain));
            assertThat(gain).as("%d Hz through the PCMU encoder, dB", hz).isBetween(-1.0, 1.0);
        }
        System.out.printf("down: 100-3400 Hz within +-%.3f dB%n", worst);
    }

    @Test
    void downFoldsNothingFromFourPointFiveToTwentyFourKilohertz() {
        double in = ToneAnalysis.db(LEVEL);
        double worst = -200;
        double worstAt = 0;
        for (int hz = 4500; hz <= 23500; hz += 250) {
            double alias = folded(hz, 8000);
            double rel = level(encodeTone(hz, LEVEL), 8000, alias) - in;
            if (rel > worst) {
                worst = rel;
                worstAt = hz;
            }
            assertThat(rel).as("%d Hz folded to %.0f Hz by the PCMU encoder, dB below the input", hz, alias).isLessThan(-50.0);
        }
        System.out.printf("down: 4.5-23.5 kHz aliases at most %.1f dB (at %.0f Hz)%n", worst, worstAt);
    }

    @Test
    void upIsFlatAndLeavesNoImages() {
        double in = ToneAnalysis.db(LEVEL);
        double worstGain = 0;
        double worstImage = -200;
        double worstAt = 0;
        for (int hz = 100; hz <= 3400; hz += 100) {
            double[] wide = decodeTone(hz, LEVEL);
            double gain = level(wide, 48000, hz) - in;
            worstGain = Math.max(worstGain, Math.abs(gain));
            assertThat(gain).as("%d Hz through the PCMU decoder, dB", hz).isBetween(-1.0, 1.0);
            for (int k = 8000; k <= 24000; k += 8000) {
                for (int image : new int[] {k - hz, k + hz}) {
                    if (image >= 24000) {
                        continue;
                    }
                    double rel = level(wide, 48000, image) - in;
                    if (rel > worstImage) {
                        worstImage = rel;
                        worstAt = image;
                    }
                    assertThat(rel).as("image of %d Hz at %d Hz, dB below the tone", hz, image).isLessThan(-50.0);
                }
            }
        }
        System.out.printf("up: 100-3400 Hz within +-%.3f dB; images at most %.1f dB (at %.0f Hz)%n", worstGain, worstImage, worstAt);
    }

    /** The cascade of Resampler's two filters over a whole signal at once, in double: what one long frame would give. */
    static double[] referenceDown(short[] x) {
        double[] mid = new double[x.length / 3];
        for (int k = 0; k < mid.length; k++) {
            double acc = 0;
            for (int j = 0; j < 21; j++) {
                int i = 3 * k + 2 - j;
                acc += Resampler.a(j) * (i >= 0 ? x[i] : 0);
            }
            mid[k] = acc;
        }
        double[] out = new double[mid.length / 2];
        for (int n = 0; n < out.length; n++) {
            int c = 2 * n - 24;
            double acc = 0.5 * (c >= 0 ? mid[c] : 0);
            for (int i = 0; i < Resampler.B.length; i++) {
                int lo = c - 2 * i - 1;
                int hi = c + 2 * i + 1;
                acc += Resampler.B[i] * ((lo >= 0 ? mid[lo] : 0) + (hi >= 0 ? mid[hi] : 0));
            }
            out[n] = acc;
        }
        return out;
    }

    static short[] speechLike(int samples, int rate) {
        short[] x = new short[samples];
        java.util.Random r = new java.util.Random(7);
        double lp = 0;
        for (int i = 0; i < samples; i++) {
            double t = (double) i / rate;
            lp += 0.3 * (r.nextGaussian() - lp); // some broadband content too
            x[i] = (short) Math.round(9000 * Math.sin(2 * Math.PI * 230 * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t))
                    + 4000 * Math.sin(2 * Math.PI * 2900 * t) + 3000 * Math.sin(2 * Math.PI * 6100 * t) + 1500 * lp);
        }
        return x;
    }

    @Test
    void framesAreDecimatedAsOneSignal() {
        short[] x = speechLike(FRAMES * AudioCodec.MIX_FRAME, 48000);
        double[] whole = referenceDown(x);
        Decimator d = new Decimator();
        short[] frame = new short[AudioCodec.MIX_FRAME];
        short[] out = new short[160];
        FrameEncoder enc = AudioCodec.PCMU.newEncoder();
        byte[] payload = new byte[160];
        double maxDiff = 0;
        for (int f = 0; f < FRAMES; f++) {
            System.arraycopy(x, f * frame.length, frame, 0, frame.length);
            d.down(frame, out);
            enc.encode(frame, payload, 0);
            for (int i = 0; i < 160; i++) {
                double ref = whole[f * 160 + i];
                maxDiff = Math.max(maxDiff, Math.abs(out[i] - ref));
                // through the encoder: the same µ-law code, or its neighbour when the rounding sits on a boundary
                int decoded = G711.ulawToLinear(payload[i]);
                int expected = G711.ulawToLinear(G711.linearToUlaw((short) Math.round(ref)));
                assertThat(Math.abs(decoded - expected)).as("frame %d sample %d", f, i)
                        .isLessThanOrEqualTo(Math.max(8, Math.abs(expected) / 15));
            }
        }
        assertThat(maxDiff).as("frame by frame vs. the whole signal at once, 16-bit steps").isLessThanOrEqualTo(1.0);
    }

    @Test
    void decodingKeepsItsHistoryAcrossFramesAndRates() {
        short[] x = speechLike(FRAMES * 160, 8000);
        byte[][] payloads = new byte[FRAMES][160];
        for (int f = 0; f < FRAMES; f++) {
            for (int i = 0; i < 160; i++) {
                payloads[f][i] = G711.linearToUlaw(x[f * 160 + i]);
            }
        }
        // one frame as long as the whole signal: the reference
        short[] all = new short[Resampler.UP_HISTORY + FRAMES * 160];
        for (int i = 0; i < FRAMES * 160; i++) {
            all[Resampler.UP_HISTORY + i] = G711.ulawToLinear(payloads[i / 160][i % 160]);
        }
        FrameDecoder wideOnly = AudioCodec.PCMU.newDecoder();
        FrameDecoder mixed = AudioCodec.PCMU.newDecoder();
        short[] a = new short[AudioCodec.MIX_FRAME];
        short[] b = new short[AudioCodec.MIX_FRAME];
        short[] window = new short[Resampler.UP_HISTORY + 160];
        short[] expected = new short[AudioCodec.MIX_FRAME];
        for (int f = 0; f < FRAMES; f++) {
            wideOnly.decode(payloads[f], 0, 160, a);
            System.arraycopy(all, f * 160, window, 0, window.length);
            Resampler.up(window, expected);
            assertThat(a).as("frame %d decoded alone vs. cut from the whole signal", f).isEqualTo(expected);
            if (f % 3 == 1) {
                mixed.decodeNarrow(payloads[f], 0, 160, b); // the room mixed at 8 kHz for this tick
            } else {
                mixed.decode(payloads[f], 0, 160, b);
                assertThat(b).as("frame %d after 8 kHz frames", f).isEqualTo(a);
            }
        }
    }

    @Test
    void anEncoderToldOfADiscontinuityForgetsItsStaleSamples() {
        FrameEncoder stale = AudioCodec.PCMU.newEncoder();
        short[] loud = new short[AudioCodec.MIX_FRAME];
        short[] quiet = new short[AudioCodec.MIX_FRAME];
        for (int i = 0; i < loud.length; i++) {
            loud[i] = (short) Math.round(16000 * Math.sin(2 * Math.PI * 1000 * i / 48000.0));
            quiet[i] = (short) Math.round(1000 * Math.sin(2 * Math.PI * 300 * (i + 17) / 48000.0));
        }
        byte[] payload = new byte[160];
        stale.encode(loud, payload, 0); // its stream's last frame, long ago
        stale.discontinuity();
        stale.encode(quiet, payload, 0); // now it continues another stream
        int peak = 0;
        for (byte b : payload) {
            peak = Math.max(peak, Math.abs(G711.ulawToLinear(b)));
        }
        assertThat(peak).as("no burst of the stale loud tone").isLessThan(1100);
        stale.encode(loud, payload, 0);
        stale.encode(quiet, payload, 0); // without being told: the loud tone's last 1.7 ms come out first
        peak = 0;
        for (byte b : payload) {
            peak = Math.max(peak, Math.abs(G711.ulawToLinear(b)));
        }
        assertThat(peak).as("the stale samples are what the discontinuity removes").isGreaterThan(4000);
    }
}
