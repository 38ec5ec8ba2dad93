package dev.switchboard.media.ivr;

import dev.switchboard.media.codec.AudioCodec;

/**
 * 48 → 16 kHz for a recording ({@link RecordJob}): a 105-tap linear-phase low-pass (windowed sinc, Kaiser β 6.76,
 * cut-off 8 kHz), evaluated at every third sample. Flat within 0.1 dB to 7 kHz; what the mix holds from 9 to 24 kHz
 * (a fullband Opus or WebRTC talker's sibilants, music) reaches the recording at least 70 dB down wherever it folds
 * (the 3-sample average used until session 23 let a 10 kHz tone fold to 6 kHz 6 dB down). Group delay 52 samples at
 * 48 kHz (1.08 ms). Keeps the stream's last 102 samples, so a recording's frames filter as one signal; one per recording,
 * used by the mixer thread; nothing allocated per frame. Measured in {@code RecordingResamplingTest}.
 *
 * <p>Computed in polyphase form: the frame is split into its three phases (samples 3m, 3m + 1, 3m + 2), and output k is
 * the sum over taps j = 3w + v of {@code h[j] · phase v [k + w]}, so every index walks forward. The sums run tap by tap
 * over the whole frame (the two samples of each pair of equal taps of the symmetric filter added first), in loops the
 * JIT vectorises. The phases are kept as {@code int[]}: a loop that stores floats while reading floats of another array
 * at a varying offset is not vectorised (the JIT cannot rule out that both are one array), one reading ints is. About
 * 3 µs a frame on the shared 2-core machine, 5× less than output by output (docs/benchmarks.md, "Session 23: filter
 * speed").
 */
final class RecordingDecimator {
    static final int TAPS = 105;
    private static final int CENTRE = TAPS / 2;
    /** Each phase's samples before the frame: output k reads phase samples k .. k + 34 (34 = (TAPS - 1) / 3). */
    private static final int HISTORY = (TAPS - 1) / 3;
    private static final int OUT = AudioCodec.MIX_FRAME / 3;
    /** The taps h[0..TAPS), symmetric, DC gain 1. */
    private static final float[] H = design();
    /** The three phases of the input, as the ints the mix sums (not floats: see the class comment). */
    private final int[] p0 = new int[HISTORY + OUT];
    private final int[] p1 = new int[HISTORY + OUT];
    private final int[] p2 = new int[HISTORY + OUT];
    /** The frame's sums; the recording's own (one decimator per recording). */
    private final float[] acc = new float[OUT];

    /**
     * Filters this tick's 48 kHz sum ({@code heard[0..960)}, unsaturated) into {@code out[at..at+320)}, saturated to 16
     * bits, and returns the 16 kHz frame's energy (the sum of its squared samples).
     */
    long down(int[] heard, short[] out, int at) {
        int[] a = p0;
        int[] b = p1;
        int[] c = p2;
        System.arraycopy(a, OUT, a, 0, HISTORY);
        System.arraycopy(b, OUT, b, 0, HISTORY);
        System.arraycopy(c, OUT, c, 0, HISTORY);
        for (int m = 0; m < OUT; m++) {
            a[HISTORY + m] = heard[3 * m];
            b[HISTORY + m] = heard[3 * m + 1];
            c[HISTORY + m] = heard[3 * m + 2];
        }
        // output k = sum over w of H[3w]·a[k+w] + H[3w+1]·b[k+w] + H[3w+2]·c[k+w]; H[j] = H[104 - j] pairs
        // a[k+w] with c[k+34-w], and b[k+w] with b[k+34-w]: pass w (0..16) adds six terms with three taps
        float[] s = acc;
        int last = HISTORY; // 34
        float hc = H[CENTRE];
        float hm = H[3 * (HISTORY / 2)];
        for (int k = 0; k < OUT; k++) { // the middle: w = 17
            s[k] = hm * (a[k + 17] + c[k + 17]) + hc * b[k + 17];
        }
        for (int w = 0; w < HISTORY / 2; w++) {
            float ta = H[3 * w]; // a[k+w] and c[k+34-w]
            float tc = H[3 * (last - w)]; // a[k+34-w] and c[k+w]
            float tb = H[3 * w + 1]; // b[k+w] and b[k+34-w]
            int far = last - w;
            for (int k = 0; k < OUT; k++) {
                s[k] += ta * (a[k + w] + c[k + far]) + tc * (a[k + far] + c[k + w]) + tb * (b[k + w] + b[k + far]);
            }
        }
        long energy = 0;
        for (int k = 0; k < OUT; k++) {
            float v0 = Math.min(Math.max(s[k], -32768f), 32767f);
            int v = (int) (v0 + 32768.5f) - 32768; // rounded half up
            out[at + k] = (short) v;
            energy += (long) v * v;
        }
        return energy;
    }

    private static float[] design() {
        double[] h = new double[TAPS];
        double sum = 0;
        for (int t = 0; t < TAPS; t++) {
            h[t] = KaiserSinc.at(t - CENTRE, 1.0 / 3, CENTRE + 1);
            sum += h[t];
        }
        float[] taps = new float[TAPS];
        for (int t = 0; t < TAPS; t++) {
            taps[t] = (float) (h[Math.min(t, TAPS - 1 - t)] / sum); // exactly symmetric, as the first half
        }
        return taps;
    }
}
