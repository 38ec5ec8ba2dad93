package dev.switchboard.media.ivr;

/**
 * Windowed-sinc low-pass taps (Kaiser window), the design of the prompt and recording rate changes
 * ({@link ClipUpsampler}, {@link RecordingDecimator}): made once, in double, then kept as float.
 */
final class KaiserSinc {
    /** The Kaiser window's β for about 70 dB of stopband attenuation (Kaiser's formula: 0.1102 × (70 − 8.7)). */
    static final double BETA = 6.76;

    private KaiserSinc() {
    }

    /**
     * The low-pass's impulse response at {@code t} samples from its centre: {@code c · sinc(c · t)} windowed over
     * {@code |t| < half}, where {@code c} is the cut-off as a fraction of half the sample rate (1: the Nyquist
     * frequency).
     */
    static double at(double t, double c, double half) {
        double r = t / half;
        if (Math.abs(r) >= 1) {
            return 0;
        }
        double x = Math.PI * c * t;
        double sinc = Math.abs(x) < 1e-12 ? 1 : Math.sin(x) / x;
        return c * sinc * besselI0(BETA * Math.sqrt(1 - r * r)) / besselI0(BETA);
    }

    /** The modified Bessel function of the first kind, order 0 (its series; converges fast for the β used). */
    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        for (int k = 1; k < 50; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
            if (term < 1e-12 * sum) {
                break;
            }
        }
        return sum;
    }
}
