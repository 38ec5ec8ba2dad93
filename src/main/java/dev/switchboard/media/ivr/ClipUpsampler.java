package dev.switchboard.media.ivr;

import dev.switchboard.media.codec.AudioCodec;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Renders a prompt kept at its own rate (8–48 kHz) at the mix's 48 kHz, 20 ms at a time, through a polyphase
 * windowed-sinc interpolator: 36 taps a phase, cut-off at the prompt's Nyquist frequency, Kaiser window (β 6.76). The
 * prompt's audio up to 0.43 × its rate passes within 0.01 dB; its images (the copies of that audio above its Nyquist
 * frequency, which the linear interpolation used until session 23 left 5 to 50 dB down, and which an Opus listener
 * hears) are at least 75 dB down. Measured in {@code PromptResamplingTest} and {@code PromptImagesEndToEndTest}.
 *
 * <p>It runs as the prompt plays, rather than once when the prompt is loaded, so that a prompt stays at its own rate in
 * memory (a 16 kHz prompt a third of its size at 48 kHz; docs/ivr-media.md, "Prompt memory"). Cost on the shared 2-core
 * test machine (docs/benchmarks.md, "Session 23: filter speed"): about 6–7 µs a 20 ms frame for a rate that divides
 * 48 kHz (8, 12, 16, 24 kHz: computed phase by phase in loops the compiler vectorises; 15 µs before session 23 made them
 * actually vectorise), 21–31 µs for others (summed output by output), against about 2 µs for linear interpolation.
 *
 * <p>Output sample {@code i} sits at {@code i · rate / 48000} prompt samples; its phase (the fraction of a prompt
 * sample) picks one row of taps. A rate whose phases repeat within 1,024 (8, 11.025, 12, 16, 22.05, 24, 32, 44.1 kHz:
 * {@code 48000 / gcd(rate, 48000)} phases, 3 to 640) gets its exact phases; any other rate the nearest of 1,024
 * (within 1/2048 of a sample). The rows depend only on the number of phases, so at most one table per divisor of
 * 48,000 up to 1,024 is ever made (the largest, 1,024 × 36 floats: 144 KiB), once, and shared by every clip and thread.
 * Samples before the prompt's start and after its end count as silence. Nothing is allocated per frame.
 */
final class ClipUpsampler {
    /** Taps on each side of the point rendered. */
    static final int HALF = 18;
    static final int TAPS = 2 * HALF;
    private static final int MIX = AudioCodec.MIX_RATE;
    private static final int MAX_PHASES = 1024;
    private static final AtomicReferenceArray<float[]> TABLES = new AtomicReferenceArray<>(MAX_PHASES + 1);
    /** The prompt samples one frame reads (at most a frame's worth at 48 kHz, plus the taps): each thread's, made once. */
    private static final int WINDOW_LENGTH = AudioCodec.MIX_FRAME + TAPS + 2;
    private static final ThreadLocal<float[]> WINDOW = ThreadLocal.withInitial(() -> new float[WINDOW_LENGTH]);
    /** The same samples as shorts, for {@link #byPhase}: each thread's, made once. */
    private static final ThreadLocal<short[]> SHORT_WINDOW = ThreadLocal.withInitial(() -> new short[WINDOW_LENGTH]);
    /** One phase's sums of a frame ({@link #byPhase}): each thread's, made once. */
    private static final ThreadLocal<float[]> ACC = ThreadLocal.withInitial(() -> new float[AudioCodec.MIX_FRAME]);
    /** The same, rounded to 16 bits: each thread's, made once. */
    private static final ThreadLocal<short[]> ROUNDED = ThreadLocal.withInitial(() -> new short[AudioCodec.MIX_FRAME]);

    private ClipUpsampler() {
    }

    /**
     * Writes {@code n} samples at 48 kHz, from mix-rate sample {@code position} on, of {@code samples} at {@code rate}
     * (below 48 kHz) into {@code frame}.
     */
    static void render(short[] samples, int rate, long position, short[] frame, int n) {
        for (int done = 0; done < n; done += AudioCodec.MIX_FRAME) { // a frame at a time: the window holds one
            block(samples, rate, position + done, frame, done, Math.min(AudioCodec.MIX_FRAME, n - done));
        }
    }

    /** {@link #render} of at most one frame's samples, into {@code frame[offset..offset+n)}. */
    private static void block(short[] samples, int rate, long position, short[] frame, int offset, int n) {
        int g = gcd(rate, MIX);
        int up = MIX / g; // output samples per cycle of phases
        int down = rate / g; // prompt samples per cycle
        int phases = Math.min(up, MAX_PHASES);
        float[] taps = table(phases);
        long x = position * down;
        long j = x / up; // the prompt sample at or before output sample position
        int p = (int) (x - j * up); // its phase, in 1/up of a sample
        // the prompt samples this frame reads (silence outside the prompt): j - HALF + 1 on
        long first = j - HALF + 1;
        int span = (int) ((position + n) * down / up - j) + TAPS + 1;
        int last = samples.length - 1;
        if (down == 1) { // a rate that divides 48 kHz (8, 12, 16, 24 kHz): phase by phase, in vector-friendly loops
            short[] sw = SHORT_WINDOW.get();
            if (first >= 0 && first + span - 1 <= last) { // inside the prompt: one copy
                System.arraycopy(samples, (int) first, sw, 0, span);
            } else {
                for (int k = 0; k < span; k++) {
                    long at = first + k;
                    sw[k] = at >= 0 && at <= last ? samples[(int) at] : 0;
                }
            }
            byPhase(taps, up, p, sw, frame, offset, n);
            return;
        }
        float[] w = WINDOW.get();
        for (int k = 0; k < span; k++) {
            long at = first + k;
            w[k] = at >= 0 && at <= last ? samples[(int) at] : 0f;
        }
        boolean exact = phases == up;
        int b = 0;
        for (int i = 0; i < n; i++) {
            int row = p * TAPS;
            int from = b;
            if (!exact) {
                int q = (int) (((long) p * phases + up / 2) / up);
                if (q == phases) { // rounded up to the next sample's phase 0
                    q = 0;
                    from++;
                }
                row = q * TAPS;
            }
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            for (int k = 0; k < TAPS; k += 4) { // four independent sums keep the FPU busy
                s0 += taps[row + k] * w[from + k];
                s1 += taps[row + k + 1] * w[from + k + 1];
                s2 += taps[row + k + 2] * w[from + k + 2];
                s3 += taps[row + k + 3] * w[from + k + 3];
            }
            float c = Math.min(Math.max((s0 + s1) + (s2 + s3), -32768f), 32767f);
            frame[offset + i] = (short) ((int) (c + 32768.5f) - 32768); // rounded half up, as the codec's resampler rounds
            p += down;
            if (p >= up) { // rate <= 48 kHz: at most one step a sample
                p -= up;
                b++;
            }
        }
    }

    /**
     * The outputs of one phase are every {@code up}-th, and read consecutive windows: for each tap, one pass adds that tap
     * times the window to all of them (no sum across taps in the inner loop, so the compiler can use vector
     * instructions: about twice as fast). The window is read as shorts: a loop that stores floats while reading floats of
     * another array at a varying offset is not vectorised (the JIT cannot rule out that both are one array), one
     * reading shorts is (session 23: about 2.5× faster again).
     */
    private static void byPhase(float[] taps, int up, int p0, short[] w, short[] frame, int offset, int n) {
        float[] acc = ACC.get();
        short[] rounded = ROUNDED.get();
        for (int q = 0; q < up; q++) {
            int t0 = (q - p0 + up) % up; // the frame's first output of phase q
            if (t0 >= n) {
                continue;
            }
            int count = (n - t0 + up - 1) / up;
            int b0 = (p0 + t0) / up; // its window: where output t0's taps start
            java.util.Arrays.fill(acc, 0, count, 0f);
            int row = q * TAPS;
            for (int k = 0; k < TAPS; k++) {
                addTap(acc, count, taps[row + k], w, b0 + k);
            }
            for (int m = 0; m < count; m++) { // rounded in one (vectorised) pass, then spread: rounding at a stride cost more
                float c = Math.min(Math.max(acc[m], -32768f), 32767f);
                rounded[m] = (short) ((int) (c + 32768.5f) - 32768);
            }
            for (int m = 0; m < count; m++) {
                frame[offset + t0 + m * up] = rounded[m];
            }
        }
    }

    /** Adds {@code c} times {@code w[from + m]} to {@code acc[m]}, m below {@code count}. */
    private static void addTap(float[] acc, int count, float c, short[] w, int from) {
        for (int m = 0; m < count; m++) {
            acc[m] += c * w[from + m];
        }
    }

    /** The rows of taps for {@code phases} phases a prompt sample, made on first use. */
    private static float[] table(int phases) {
        float[] t = TABLES.get(phases);
        if (t == null) {
            t = design(phases);
            if (!TABLES.compareAndSet(phases, null, t)) {
                t = TABLES.get(phases);
            }
        }
        return t;
    }

    /** Row q, tap k: the response at prompt sample (base + k), base = j - HALF + 1, for the point j + q/phases. */
    static float[] design(int phases) {
        float[] t = new float[phases * TAPS];
        for (int q = 0; q < phases; q++) {
            double[] row = new double[TAPS];
            double sum = 0;
            for (int k = 0; k < TAPS; k++) {
                row[k] = KaiserSinc.at(k - HALF + 1 - (double) q / phases, 1.0, HALF);
                sum += row[k];
            }
            for (int k = 0; k < TAPS; k++) {
                t[q * TAPS + k] = (float) (row[k] / sum); // each phase passes DC at exactly 1
            }
        }
        return t;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int r = a % b;
            a = b;
            b = r;
        }
        return a;
    }
}
