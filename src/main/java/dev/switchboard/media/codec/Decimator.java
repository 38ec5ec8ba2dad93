package dev.switchboard.media.codec;

/**
 * 48 kHz → 8 kHz for one stream ({@link Resampler}'s filters: ÷3 then a half-band ÷2), keeping the stream's last
 * samples so that consecutive frames filter as one signal. One per encoder, used by one thread at a time; nothing
 * allocated per frame. Output sample n of a frame stands for input sample 6n - 80 (1.67 ms of group delay).
 */
final class Decimator {
    /** 48 kHz samples of history the ÷3 stage reads before the frame. */
    static final int WIDE_HISTORY = 18;
    /** The same, in each of the input's three phases. */
    private static final int PHASE_HISTORY = WIDE_HISTORY / 3;
    /** 16 kHz samples of history the half-band stage reads before the frame. */
    static final int MID_HISTORY = 49;
    private static final int MID = 2 * AudioCodec.NARROW_FRAME;
    /** The ÷3 stage's input by phase (in[3j], in[3j+1], in[3j+2]), each after its last 6 samples; ints, see down. */
    private final int[][] phases = new int[3][PHASE_HISTORY + MID];
    private final float[] midHistory = new float[MID_HISTORY];
    private boolean restart;

    /**
     * The next frame does not follow the last one given (it continues a stream another decimator or no decimator
     * made): it is filtered as if its first sample had lasted the history's length, not after stale samples.
     */
    void restart() {
        restart = true;
    }

    /** Decimates {@code in[0..960)} into {@code out[0..160)}. */
    void down(short[] in, short[] out) {
        Resampler.Scratch s = Resampler.scratch();
        float[] m = s.mid;
        int[][] q = phases;
        // the input's three phases: q[v][PHASE_HISTORY + j] is in[3j + v], after the last frame's
        for (int[] phase : q) {
            if (restart) {
                java.util.Arrays.fill(phase, 0, PHASE_HISTORY, in[0]);
            } else {
                System.arraycopy(phase, MID, phase, 0, PHASE_HISTORY);
            }
        }
        if (restart) {
            restart = false;
            java.util.Arrays.fill(midHistory, in[0]);
        }
        split(in, q);
        System.arraycopy(midHistory, 0, m, 0, MID_HISTORY);
        third(q, m);
        System.arraycopy(m, MID, midHistory, 0, MID_HISTORY);
        half(m, s.even, s.odd, s.narrow, out);
    }

    /** The frame's three phases into {@code q[v][PHASE_HISTORY..)}: {@code in[3j + v]} at {@code PHASE_HISTORY + j}. */
    private static void split(short[] in, int[][] q) {
        int[] q0 = q[0];
        int[] q1 = q[1];
        int[] q2 = q[2];
        for (int j = 0; j < MID; j++) {
            q0[PHASE_HISTORY + j] = in[3 * j];
            q1[PHASE_HISTORY + j] = in[3 * j + 1];
            q2[PHASE_HISTORY + j] = in[3 * j + 2];
        }
    }

    /** ÷3 of the phases into {@code m[MID_HISTORY..MID_HISTORY+320)}. */
    private static void third(int[][] q, float[] m) {
        // ÷3: 16 kHz sample k (m[MID_HISTORY + k]) from the 21 input samples in[3k-18 .. 3k+2]; tap t of in[3k+2-t]
        // and tap 20-t of in[3k-18+t] are equal, added first. Tap by tap over the frame, reading ints: a loop storing
        // floats while reading floats at a varying offset is not vectorised (the JIT cannot rule out one array), nor one
        // adding two shorts; one adding ints is. The same order of sums as output by output, so the same result
        float[] a = Resampler.A;
        float centre = a[10];
        int[] q1 = q[1];
        for (int k = 0; k < MID; k++) { // tap 10: in[3k-8] = q1[k + 3]
            m[MID_HISTORY + k] = centre * q1[k + 3];
        }
        int[] q0 = q[0];
        int[] q2 = q[2];
        // tap t = 3w + r: in[3k+2-t] is q[2-r][k + 6 - w], in[3k-18+t] is q[r][k + w]
        for (int w = 0; w < 4; w++) {
            int hi = PHASE_HISTORY - w;
            add(m, a[3 * w], q2, hi, q0, w);
            if (w < 3) {
                add(m, a[3 * w + 1], q1, hi, q1, w);
                add(m, a[3 * w + 2], q0, hi, q2, w);
            }
        }
    }

    /** Adds tap {@code c} times {@code x[hi + k] + y[lo + k]} to each 16 kHz sample k. */
    private static void add(float[] m, float c, int[] x, int hi, int[] y, int lo) {
        for (int k = 0; k < MID; k++) {
            m[MID_HISTORY + k] += c * (x[hi + k] + y[lo + k]);
        }
    }

    /**
     * ÷2 (half-band): 8 kHz sample n from the 51 samples of {@code m} ending at 16 kHz sample 2n+1, centred on 2n-24.
     * The taps fall on even indices of {@code m} and the centre on an odd one: {@code m} split into the two, the 13
     * pairs of taps read at fixed offsets, in loops the JIT vectorises; the sums in the same order as before.
     */
    private static void half(float[] m, float[] e, float[] o, float[] y, short[] out) {
        for (int j = 0; j < e.length; j++) {
            e[j] = m[2 * j];
            o[j] = m[2 * j + 1];
        }
        float[] b = Resampler.B;
        float b0 = b[0];
        float b1 = b[1];
        float b2 = b[2];
        float b3 = b[3];
        float b4 = b[4];
        float b5 = b[5];
        float b6 = b[6];
        float b7 = b[7];
        float b8 = b[8];
        float b9 = b[9];
        float b10 = b[10];
        float b11 = b[11];
        float b12 = b[12];
        // m[25 + 2n] = o[12 + n], m[24 + 2n - 2i] = e[12 + n - i], m[26 + 2n + 2i] = e[13 + n + i]: one loop a pair
        // of taps (a loop holding all 13 is not vectorised), each at fixed offsets
        int f = AudioCodec.NARROW_FRAME;
        for (int n = 0; n < f; n++) {
            y[n] = 0.5f * o[12 + n] + b0 * (e[12 + n] + e[13 + n]);
        }
        for (int n = 0; n < f; n++) {
            y[n] += b1 * (e[11 + n] + e[14 + n]);
        }
        for (int n = 0; n < f; n++) {
            y[n] += b2 * (e[10 + n] + e[15 + n]);
        }
        for (int n = 0; n < f; n++) {
            y[n] += b3 * (e[9 + n] + e[16 + n]);
        }
        for (int n = 0; n < f; n++) {
            y[n] += b4 * (e[8 + n] + e[17 + n]);
        }
        for (int n = 0; n < f; n++) {
            y[n] += b5 * (e[7 + n] + e[18 + n]);
        }
        for (int n = 0; n < f; n++) {
            y[n] += b6 * (e[6 + n] + e[19 + n]);
        }
        for (int n = 0; n < f; n++) {
            y[n] += b7 * (e[5 + n] + e[20 + n]);
        }
        for (int n = 0; n < f; n++) {
            y[n] += b8 * (e[4 + n] + e[21 + n]);
        }
        for (int n = 0; n < f; n++) {
            y[n] += b9 * (e[3 + n] + e[22 + n]);
        }
        for (int n = 0; n < f; n++) {
            y[n] += b10 * (e[2 + n] + e[23 + n]);
        }
        for (int n = 0; n < f; n++) {
            y[n] += b11 * (e[1 + n] + e[24 + n]);
        }
        for (int n = 0; n < f; n++) {
            y[n] += b12 * (e[n] + e[25 + n]);
        }
        for (int n = 0; n < AudioCodec.NARROW_FRAME; n++) {
            out[n] = Resampler.toShort(y[n]);
        }
    }
}
