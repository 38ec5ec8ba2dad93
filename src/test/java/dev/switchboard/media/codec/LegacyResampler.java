package dev.switchboard.media.codec;

/**
 * The code of session 23's start, kept only so that benchmarks ({@code RecordingDecimatorBenchmark},
 * {@code PromptUpsampleBenchmark}, {@code G711FilterBenchmark}) can run it beside the faster code that replaced it in
 * session 23 (same filter, same outputs within float rounding: {@code IvrFilterEquivalenceTest},
 * {@code G711FilterEquivalenceTest}). Not for the server.
 *
 * <p>Its original description:
 *
 * <p>The 8 kHz ↔ 48 kHz conversion of G.711 streams, in two linear-phase FIR stages each way (float arithmetic):
 * a half-band filter between 8 and 16 kHz (51 taps, 26 of them non-zero: flat to 3.5 kHz within 0.01 dB, at least
 * 58 dB down from 4.5 kHz) and a 21-tap filter between 16 and 48 kHz (flat to 3.5 kHz, at least 75 dB down from
 * 11.5 kHz). Down ({@link LegacyDecimator}, one per encoder: it keeps the stream's history) the chain removes what would
 * fold into the telephone band: a 4.5–24 kHz tone reaches the 8 kHz stream at least 58 dB down (5 dB at 4.5 kHz with
 * the 6-sample average this replaced). Up ({@link #up}) it removes the images of the 8 kHz stream above 4.5 kHz: at
 * least 59 dB down (10 dB for the linear interpolation it replaced). Both are flat to 3.4 kHz within 0.15 dB through
 * µ-law (the average lost 2.7 dB at 3.4 kHz, linear interpolation 5.3). Group delay: 80 samples at 48 kHz (1.67 ms)
 * down, 85 (1.77 ms) up. Nothing is allocated per frame; the frame-sized working arrays are the calling thread's
 * ({@link #scratch()}). Measured in {@code G711ResamplingTest}; cost in docs/benchmarks.md (session 22).
 */
final class LegacyResampler {
    static final int FACTOR = 6;
    /** 8 kHz samples of history {@link #up} reads before the frame. */
    static final int UP_HISTORY = 28;

    /** The 48 ↔ 16 kHz filter's first half (21 taps, symmetric: A[10] is the centre), DC gain 1. */
    static final float[] A = {1.435311083e-03f, 4.976776481e-03f, 7.432425751e-03f, 1.214375588e-03f,
            -1.759988960e-02f, -3.709954756e-02f, -2.859741689e-02f, 3.320446623e-02f, 1.412212354e-01f,
            2.476694813e-01f, 2.922855646e-01f};
    /**
     * The half-band filter's taps at odd distances 1, 3, … 25 from its centre (which is 0.5; even ones are 0); DC gain
     * 1.0012 (+0.01 dB), left so: scaling only these taps would lift the stopband by 5 dB.
     */
    static final float[] B = {3.173005620e-01f, -1.031062976e-01f, 5.876876606e-02f, -3.883096369e-02f,
            2.717257694e-02f, -1.942026164e-02f, 1.390184002e-02f, -9.837260592e-03f, 6.806867680e-03f,
            -4.555311005e-03f, 2.905301065e-03f, -1.731374594e-03f, 1.213534840e-03f};
    /** {@link #A} as the three 7-tap phases of the ×3 interpolator, times 3 (its gain). */
    private static final float[][] UP_PHASES = phases();

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private LegacyResampler() {
    }

    /** The working arrays of one thread (a mixer thread, a tool's sender), made once. */
    static final class Scratch {
        final float[] wide = new float[LegacyDecimator.WIDE_HISTORY + AudioCodec.MIX_FRAME];
        final float[] mid = new float[LegacyDecimator.MID_HISTORY + 2 * AudioCodec.NARROW_FRAME];
        final float[] up = new float[6 + 2 * AudioCodec.NARROW_FRAME];
    }

    static Scratch scratch() {
        return SCRATCH.get();
    }

    /**
     * Upsamples one 8 kHz frame to {@code out[0..960)}: {@code in[UP_HISTORY..UP_HISTORY+160)} is the frame,
     * {@code in[0..UP_HISTORY)} the stream's samples before it (zeros at its start). Keeps no state of its own.
     */
    static void up(short[] in, short[] out) {
        float[] u = scratch().up;
        // 8 → 16 kHz (half-band, gain 2): u[2n+1] is the frame's sample n-12, u[2n] the point between n-13 and n-12;
        // u[j] holds the 16 kHz sample j-6 of this frame, from -6 (the ×3 stage's history) to 319
        int h = UP_HISTORY;
        u[0] = between(in, h - 3); // n = -3
        u[1] = in[h - 15];
        for (int n = -2; n < AudioCodec.NARROW_FRAME; n += 2) { // two points at a time: independent sums
            int newer = h + n - 12;
            int older = h + n - 13;
            float s0 = 0;
            float s1 = 0;
            for (int i = 0; i < B.length; i++) {
                float c = B[i];
                s0 += c * (in[newer + i] + in[older - i]);
                s1 += c * (in[newer + 1 + i] + in[older + 1 - i]);
            }
            u[2 * n + 6] = 2 * s0;
            u[2 * n + 7] = in[newer];
            u[2 * n + 8] = 2 * s1;
            u[2 * n + 9] = in[newer + 1];
        }
        // 16 → 48 kHz (gain 3): out[3m+p] = sum over t of 3*A[p+3t] * u[m-t]
        float[] p0 = UP_PHASES[0];
        float[] p1 = UP_PHASES[1];
        float[] p2 = UP_PHASES[2];
        int o = 0;
        for (int m = 0; m < 2 * AudioCodec.NARROW_FRAME; m += 2) { // two instants, three phases: six independent sums
            int j = m + 6;
            float a0 = 0;
            float b0 = 0;
            float c0 = 0;
            float a1 = 0;
            float b1 = 0;
            float c1 = 0;
            for (int t = 0; t < 7; t++) {
                float s = u[j - t];
                float s1 = u[j + 1 - t];
                a0 += p0[t] * s;
                b0 += p1[t] * s;
                c0 += p2[t] * s;
                a1 += p0[t] * s1;
                b1 += p1[t] * s1;
                c1 += p2[t] * s1;
            }
            out[o] = toShort(a0);
            out[o + 1] = toShort(b0);
            out[o + 2] = toShort(c0);
            out[o + 3] = toShort(a1);
            out[o + 4] = toShort(b1);
            out[o + 5] = toShort(c1);
            o += 6;
        }
    }

    /** The half-band point between {@code in[at - 13]} and {@code in[at - 12]}, times 2 (the interpolator's gain). */
    private static float between(short[] in, int at) {
        float s = 0;
        for (int i = 0; i < B.length; i++) {
            s += B[i] * (in[at - 12 + i] + in[at - 13 - i]);
        }
        return 2 * s;
    }

    /** Rounded and saturated to 16 bits. */
    static short toShort(float v) {
        float c = Math.min(Math.max(v, -32768f), 32767f);
        return (short) ((int) (c + 32768.5f) - 32768); // positive before the cast, so the cast floors: half rounds up
    }

    /** The symmetric 21 taps of {@link #A}. */
    static float a(int j) {
        return A[j <= 10 ? j : 20 - j];
    }

    private static float[][] phases() {
        float[][] p = new float[3][7];
        for (int phase = 0; phase < 3; phase++) {
            for (int t = 0; t < 7; t++) {
                p[phase][t] = 3 * a(phase + 3 * t);
            }
        }
        return p;
    }
}
