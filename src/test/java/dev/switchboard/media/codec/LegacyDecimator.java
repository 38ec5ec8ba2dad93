package dev.switchboard.media.codec;

/**
 * The code of session 23's start, kept only so that benchmarks ({@code RecordingDecimatorBenchmark},
 * {@code PromptUpsampleBenchmark}, {@code G711FilterBenchmark}) can run it beside the faster code that replaced it in
 * session 23 (same filter, same outputs within float rounding: {@code IvrFilterEquivalenceTest},
 * {@code G711FilterEquivalenceTest}). Not for the server.
 *
 * <p>Its original description:
 *
 * <p>48 kHz → 8 kHz for one stream ({@link LegacyResampler}'s filters: ÷3 then a half-band ÷2), keeping the stream's last
 * samples so that consecutive frames filter as one signal. One per encoder, used by one thread at a time; nothing
 * allocated per frame. Output sample n of a frame stands for input sample 6n - 80 (1.67 ms of group delay).
 */
final class LegacyDecimator {
    /** 48 kHz samples of history the ÷3 stage reads before the frame. */
    static final int WIDE_HISTORY = 18;
    /** 16 kHz samples of history the half-band stage reads before the frame. */
    static final int MID_HISTORY = 49;
    private static final int WIDE = AudioCodec.MIX_FRAME;
    private static final int MID = 2 * AudioCodec.NARROW_FRAME;
    private final float[] wideHistory = new float[WIDE_HISTORY];
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
        LegacyResampler.Scratch s = LegacyResampler.scratch();
        float[] w = s.wide;
        float[] m = s.mid;
        if (restart) {
            restart = false;
            java.util.Arrays.fill(wideHistory, in[0]);
            java.util.Arrays.fill(midHistory, in[0]);
        }
        System.arraycopy(wideHistory, 0, w, 0, WIDE_HISTORY);
        for (int i = 0; i < WIDE; i++) {
            w[WIDE_HISTORY + i] = in[i];
        }
        System.arraycopy(w, WIDE, wideHistory, 0, WIDE_HISTORY);
        // ÷3: 16 kHz sample k from the 21 input samples ending at 3k+2 (m[MID_HISTORY + k])
        float[] a = LegacyResampler.A;
        System.arraycopy(midHistory, 0, m, 0, MID_HISTORY);
        for (int k = 0; k < MID; k += 4) { // four outputs at a time: four independent sums keep the FPU busy
            int e = WIDE_HISTORY + 3 * k + 2;
            float c = a[10];
            float s0 = c * w[e - 10];
            float s1 = c * w[e - 7];
            float s2 = c * w[e - 4];
            float s3 = c * w[e - 1];
            for (int t = 0; t < 10; t++) {
                c = a[t];
                int hi = e - t;
                int lo = e - 20 + t;
                s0 += c * (w[hi] + w[lo]);
                s1 += c * (w[hi + 3] + w[lo + 3]);
                s2 += c * (w[hi + 6] + w[lo + 6]);
                s3 += c * (w[hi + 9] + w[lo + 9]);
            }
            m[MID_HISTORY + k] = s0;
            m[MID_HISTORY + k + 1] = s1;
            m[MID_HISTORY + k + 2] = s2;
            m[MID_HISTORY + k + 3] = s3;
        }
        System.arraycopy(m, MID, midHistory, 0, MID_HISTORY);
        // ÷2 (half-band): 8 kHz sample n from the 51 samples ending at 16 kHz sample 2n+1, centred on 2n-24
        float[] b = LegacyResampler.B;
        for (int n = 0; n < AudioCodec.NARROW_FRAME; n += 4) {
            int c = MID_HISTORY + 2 * n - 24;
            float s0 = 0.5f * m[c];
            float s1 = 0.5f * m[c + 2];
            float s2 = 0.5f * m[c + 4];
            float s3 = 0.5f * m[c + 6];
            for (int i = 0; i < b.length; i++) {
                float k = b[i];
                int lo = c - 2 * i - 1;
                int hi = c + 2 * i + 1;
                s0 += k * (m[lo] + m[hi]);
                s1 += k * (m[lo + 2] + m[hi + 2]);
                s2 += k * (m[lo + 4] + m[hi + 4]);
                s3 += k * (m[lo + 6] + m[hi + 6]);
            }
            out[n] = LegacyResampler.toShort(s0);
            out[n + 1] = LegacyResampler.toShort(s1);
            out[n + 2] = LegacyResampler.toShort(s2);
            out[n + 3] = LegacyResampler.toShort(s3);
        }
    }
}
