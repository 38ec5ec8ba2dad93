package dev.switchboard.media.codec;

/**
 * The 8 kHz ↔ 48 kHz conversion of G.711 streams, in two linear-phase FIR stages each way (float arithmetic):
 * a half-band filter between 8 and 16 kHz (51 taps, 26 of them non-zero: flat to 3.5 kHz within 0.01 dB, at least
 * 58 dB down from 4.5 kHz) and a 21-tap filter between 16 and 48 kHz (flat to 3.5 kHz, at least 75 dB down from
 * 11.5 kHz). Down ({@link Decimator}, one per encoder: it keeps the stream's history) the chain removes what would
 * fold into the telephone band: a 4.5–24 kHz tone reaches the 8 kHz stream at least 58 dB down (5 dB at 4.5 kHz with
 * the 6-sample average this replaced). Up ({@link #up}) it removes the images of the 8 kHz stream above 4.5 kHz: at
 * least 59 dB down (10 dB for the linear interpolation it replaced). Both are flat to 3.4 kHz within 0.15 dB through
 * µ-law (the average lost 2.7 dB at 3.4 kHz, linear interpolation 5.3). Group delay: 80 samples at 48 kHz (1.67 ms)
 * down, 85 (1.77 ms) up. Nothing is allocated per frame; the frame-sized working arrays are the calling thread's
 * ({@link #scratch()}). Measured in {@code G711ResamplingTest}; cost in docs/benchmarks.md (sessions 22 and 23:
 * computed tap by tap over whole frames in loops the JIT vectorises: about 1.5 µs a frame down, 2.3 µs up).
 */
final class Resampler {
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

    private Resampler() {
    }

    /** The working arrays of one thread (a mixer thread, a tool's sender), made once. */
    static final class Scratch {
        final float[] mid = new float[Decimator.MID_HISTORY + 2 * AudioCodec.NARROW_FRAME + 1];
        /** {@link Decimator}'s half-band input split: {@code mid[2j]} and {@code mid[2j + 1]}. */
        final float[] even = new float[mid.length / 2];
        final float[] odd = new float[mid.length / 2];
        /** {@link Decimator}'s output before rounding. */
        final float[] narrow = new float[AudioCodec.NARROW_FRAME];
        final float[] up = new float[6 + 2 * AudioCodec.NARROW_FRAME];
        /** {@link #up}'s half-band points, {@code up[2n]} before the gain. */
        final float[] half = new float[up.length / 2];
        /** {@link #up}'s three output phases at 48 kHz (samples 3m, 3m + 1, 3m + 2). */
        final float[][] phases = new float[3][2 * AudioCodec.NARROW_FRAME];
        /** The same, rounded to 16 bits. */
        final short[][] rounded = new short[3][2 * AudioCodec.NARROW_FRAME];
    }

    static Scratch scratch() {
        return SCRATCH.get();
    }

    /**
     * Upsamples one 8 kHz frame to {@code out[0..960)}: {@code in[UP_HISTORY..UP_HISTORY+160)} is the frame,
     * {@code in[0..UP_HISTORY)} the stream's samples before it (zeros at its start). Keeps no state of its own.
     *
     * <p>Both stages run over the whole frame in loops the JIT vectorises: the half-band tap by tap (reading the shorts
     * of {@code in}: a loop that stores floats while reading floats at a varying offset is not vectorised, the JIT
     * cannot rule out that both are one array), the ×3 stage one tap at a time at fixed offsets, for its three phases at
     * once. The sums are added in the same order as output by output, so the result is the same.
     */
    static void up(short[] in, short[] out) {
        Scratch sc = scratch();
        float[] u = sc.up;
        float[] half = sc.half;
        // 8 → 16 kHz (half-band, gain 2): u[2n+1] is the frame's sample n-15, u[2n] the point between n-16 and n-15;
        // u[j] holds the 16 kHz sample j-6 of this frame, from -6 (the ×3 stage's history) to 319
        int newest = UP_HISTORY - 15; // in[newest + n] is the frame's sample n - 15
        int points = u.length / 2;
        java.util.Arrays.fill(half, 0, points, 0f);
        for (int i = 0; i < B.length; i++) {
            addTap(half, points, B[i], in, newest + i, newest - 1 - i);
        }
        for (int n = 0; n < points; n++) {
            u[2 * n] = 2 * half[n];
            u[2 * n + 1] = in[newest + n];
        }
        // 16 → 48 kHz (gain 3): out[3m+p] = sum over t of 3*A[p+3t] * u[m+6-t], phase p into wide[p]
        float[][] wide = sc.phases;
        float[] o0 = wide[0];
        float[] o1 = wide[1];
        float[] o2 = wide[2];
        float[] p0 = UP_PHASES[0];
        float[] p1 = UP_PHASES[1];
        float[] p2 = UP_PHASES[2];
        // one loop a tap, at a fixed offset (a loop holding all seven is not vectorised), in the order of the sums
        int n = o0.length;
        for (int m = 0; m < n; m++) {
            o0[m] = p0[0] * u[m + 6];
            o1[m] = p1[0] * u[m + 6];
            o2[m] = p2[0] * u[m + 6];
        }
        float a = p0[1];
        float b = p1[1];
        float c = p2[1];
        for (int m = 0; m < n; m++) {
            o0[m] += a * u[m + 5];
            o1[m] += b * u[m + 5];
            o2[m] += c * u[m + 5];
        }
        a = p0[2];
        b = p1[2];
        c = p2[2];
        for (int m = 0; m < n; m++) {
            o0[m] += a * u[m + 4];
            o1[m] += b * u[m + 4];
            o2[m] += c * u[m + 4];
        }
        a = p0[3];
        b = p1[3];
        c = p2[3];
        for (int m = 0; m < n; m++) {
            o0[m] += a * u[m + 3];
            o1[m] += b * u[m + 3];
            o2[m] += c * u[m + 3];
        }
        a = p0[4];
        b = p1[4];
        c = p2[4];
        for (int m = 0; m < n; m++) {
            o0[m] += a * u[m + 2];
            o1[m] += b * u[m + 2];
            o2[m] += c * u[m + 2];
        }
        a = p0[5];
        b = p1[5];
        c = p2[5];
        for (int m = 0; m < n; m++) {
            o0[m] += a * u[m + 1];
            o1[m] += b * u[m + 1];
            o2[m] += c * u[m + 1];
        }
        a = p0[6];
        b = p1[6];
        c = p2[6];
        for (int m = 0; m < n; m++) {
            o0[m] += a * u[m];
            o1[m] += b * u[m];
            o2[m] += c * u[m];
        }
        // rounded phase by phase (a vectorised loop), then interleaved: rounding at a stride of 3 cost three times more
        short[] r0 = sc.rounded[0];
        short[] r1 = sc.rounded[1];
        short[] r2 = sc.rounded[2];
        for (int m = 0; m < n; m++) {
            r0[m] = toShort(o0[m]);
            r1[m] = toShort(o1[m]);
            r2[m] = toShort(o2[m]);
        }
        for (int m = 0, o = 0; m < n; m++, o += 3) {
            out[o] = r0[m];
            out[o + 1] = r1[m];
            out[o + 2] = r2[m];
        }
    }

    /**
     * Adds {@code c} times {@code in[hi + n] + in[lo + n]} to {@code sums[n]}, n below {@code count}: the two shorts as
     * floats (exact, as their int sum would be: a loop adding two shorts as ints is not vectorised).
     */
    private static void addTap(float[] sums, int count, float c, short[] in, int hi, int lo) {
        for (int n = 0; n < count; n++) {
            sums[n] += c * ((float) in[hi + n] + (float) in[lo + n]);
        }
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
