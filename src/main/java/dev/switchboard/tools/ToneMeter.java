package dev.switchboard.tools;

/**
 * Measures how loud given frequencies are in 16-bit PCM, with the Goertzel algorithm: the verdict rule of
 * the project's audio tests (present ≥ −30 dBFS, absent ≤ −60 dBFS). Not thread-safe.
 */
public final class ToneMeter {
    /** The level reported for silence or no samples. */
    public static final double SILENCE_DBFS = -180.0;

    private ToneMeter() {
    }

    /**
     * The amplitude of frequency {@code hz} in {@code samples[from, to)}, in dBFS (a full-scale sine is 0 dBFS),
     * with a Hann window so short blocks do not leak neighbouring tones.
     */
    public static double levelDbfs(short[] samples, int from, int to, double sampleRate, double hz) {
        int n = to - from;
        if (n <= 1) {
            return SILENCE_DBFS;
        }
        double coefficient = 2 * Math.cos(2 * Math.PI * hz / sampleRate);
        double s1 = 0;
        double s2 = 0;
        double windowSum = 0;
        for (int i = 0; i < n; i++) {
            double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
            windowSum += w;
            double s0 = w * samples[from + i] / 32768.0 + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = Math.max(s1 * s1 + s2 * s2 - coefficient * s1 * s2, 0);
        double amplitude = 2 * Math.sqrt(power) / windowSum;
        return amplitude > 1e-9 ? 20 * Math.log10(amplitude) : SILENCE_DBFS;
    }

    /** The level of {@code hz} over all of {@code samples}. */
    public static double levelDbfs(short[] samples, double sampleRate, double hz) {
        return levelDbfs(samples, 0, samples.length, sampleRate, hz);
    }

    /** The verdict on a level: a tone is PRESENT at ≥ −30 dBFS, ABSENT at ≤ −60 dBFS, otherwise INCONCLUSIVE. */
    public enum Verdict { PRESENT, ABSENT, INCONCLUSIVE }

    public static Verdict verdict(double dbfs) {
        if (dbfs >= -30) {
            return Verdict.PRESENT;
        }
        return dbfs <= -60 ? Verdict.ABSENT : Verdict.INCONCLUSIVE;
    }
}
