package dev.switchboard.media.codec;

/**
 * 48 kHz → 8 kHz for one stream ({@link Resampler}'s filters: ÷3 then a half-band ÷2), keeping the stream's last
 * samples so that consecutive frames filter as one signal. One per encoder, used by one thread at a time; nothing
 * allocated per frame. Output sample n of a frame stands for input sample 6n - 80 (1.67 ms of group delay).
 */
final class Decimator {
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
        Resampler.Scratch s = Resampler.scratch();
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
        float[] a = Resampler.A;
        System.arraycopy(midHistory, 0, m, 0, MID_HISTORY);
        for (int k = 0; k < MID; k++) {
            int e = WIDE_HISTORY + 3 * k + 2;
            float acc = a[10] * w[e - 10];
            for (int t = 0; t < 10; t++) {
                acc += a[t] * (w[e - t] + w[e - 20 + t]);
            }
            m[MID_HISTORY + k] = acc;
        }
        System.arraycopy(m, MID, midHistory, 0, MID_HISTORY);
        // ÷2 (half-band): 8 kHz sample n from the 51 samples ending at 16 kHz sample 2n+1, centred on 2n-24
        float[] b = Resampler.B;
        for (int n = 0; n < AudioCodec.NARROW_FRAME; n++) {
            int c = MID_HISTORY + 2 * n - 24;
            float acc = 0.5f * m[c];
            for (int i = 0; i < b.length; i++) {
                acc += b[i] * (m[c - 2 * i - 1] + m[c + 2 * i + 1]);
            }
            out[n] = Resampler.toShort(acc);
        }
    }

    /** Forgets the history (silence before the next frame). */
    void reset() {
        java.util.Arrays.fill(wideHistory, 0);
        java.util.Arrays.fill(midHistory, 0);
        restart = false;
    }
}
