package dev.switchboard.media.codec;

/**
 * The 8 kHz ↔ 48 kHz conversion used for G.711 legs: linear interpolation up (one sample of history),
 * a 6-tap average down (zeros at 8, 16 and 24 kHz). Adequate for narrowband voice; content of Opus legs
 * above 4 kHz is attenuated, not removed, when mixed for a G.711 listener.
 */
final class Resampler {
    static final int FACTOR = 6;

    private Resampler() {
    }

    /** Upsamples {@code in[0..n)} to {@code out[0..6n)}; returns the new history sample. */
    static int up(short[] in, int n, short[] out, int previous) {
        int prev = previous;
        int o = 0;
        for (int i = 0; i < n; i++) {
            int cur = in[i];
            int d = cur - prev;
            out[o++] = (short) (prev + d / 6);
            out[o++] = (short) (prev + d / 3);
            out[o++] = (short) (prev + d / 2);
            out[o++] = (short) (prev + 2 * d / 3);
            out[o++] = (short) (prev + 5 * d / 6);
            out[o++] = (short) cur;
            prev = cur;
        }
        return prev;
    }

    /** Downsamples {@code in[0..6n)} to {@code out[0..n)}. */
    static void down(short[] in, short[] out, int n) {
        int j = 0;
        for (int i = 0; i < n; i++) {
            int s = in[j] + in[j + 1] + in[j + 2] + in[j + 3] + in[j + 4] + in[j + 5];
            out[i] = (short) (s / 6);
            j += 6;
        }
    }
}
