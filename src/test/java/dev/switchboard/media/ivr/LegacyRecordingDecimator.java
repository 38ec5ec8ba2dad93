package dev.switchboard.media.ivr;

import dev.switchboard.media.codec.AudioCodec;

/**
 * The code of session 23's start, kept only so that benchmarks ({@code RecordingDecimatorBenchmark},
 * {@code PromptUpsampleBenchmark}, {@code G711FilterBenchmark}) can run it beside the faster code that replaced it in
 * session 23 (same filter, same outputs within float rounding: {@code IvrFilterEquivalenceTest},
 * {@code G711FilterEquivalenceTest}). Not for the server.
 *
 * <p>Its original description:
 *
 * <p>48 → 16 kHz for a recording ({@link RecordJob}): a 105-tap linear-phase low-pass (windowed sinc, Kaiser β 6.76,
 * cut-off 8 kHz), evaluated at every third sample. Flat within 0.1 dB to 7 kHz; what the mix holds from 9 to 24 kHz
 * (a fullband Opus or WebRTC talker's sibilants, music) reaches the recording at least 70 dB down wherever it folds
 * (the 3-sample average used until session 23 let a 10 kHz tone fold to 6 kHz 6 dB down). Group delay 52 samples at
 * 48 kHz (1.08 ms). Keeps the stream's last 104 samples, so a recording's frames filter as one signal; one per recording,
 * used by the mixer thread; nothing allocated per frame. Measured in {@code RecordingResamplingTest}.
 */
final class LegacyRecordingDecimator {
    static final int TAPS = 105;
    private static final int CENTRE = TAPS / 2;
    private static final int HISTORY = TAPS - 1;
    /** The first half of the symmetric taps and the centre ({@code H[CENTRE]}); DC gain 1. */
    private static final float[] H = design();
    private final float[] x = new float[HISTORY + AudioCodec.MIX_FRAME];

    /**
     * Filters this tick's 48 kHz sum ({@code heard[0..960)}, unsaturated) into {@code out[at..at+320)}, saturated to 16
     * bits, and returns the 16 kHz frame's energy (the sum of its squared samples).
     */
    long down(int[] heard, short[] out, int at) {
        for (int i = 0; i < AudioCodec.MIX_FRAME; i++) {
            x[HISTORY + i] = heard[i];
        }
        long energy = 0;
        int frame = AudioCodec.MIX_FRAME / 3;
        for (int k = 0; k < frame; k++) {
            int newest = HISTORY + 3 * k + 2; // output k ends at input 3k + 2
            int oldest = newest - HISTORY;
            float s = H[CENTRE] * x[newest - CENTRE];
            for (int t = 0; t < CENTRE; t++) {
                s += H[t] * (x[newest - t] + x[oldest + t]);
            }
            float c = Math.min(Math.max(s, -32768f), 32767f);
            int v = (int) (c + 32768.5f) - 32768; // rounded half up
            out[at + k] = (short) v;
            energy += (long) v * v;
        }
        System.arraycopy(x, AudioCodec.MIX_FRAME, x, 0, HISTORY);
        return energy;
    }

    private static float[] design() {
        double[] h = new double[TAPS];
        double sum = 0;
        for (int t = 0; t < TAPS; t++) {
            h[t] = KaiserSinc.at(t - CENTRE, 1.0 / 3, CENTRE + 1);
            sum += h[t];
        }
        float[] half = new float[CENTRE + 1];
        for (int t = 0; t <= CENTRE; t++) {
            half[t] = (float) (h[t] / sum);
        }
        return half;
    }
}
