package dev.switchboard.tools;

/**
 * A sine tone as 16-bit PCM frames of a fixed length, continuous in phase across frames. The default level
 * is −18 dBFS (amplitude 1/8), as ffmpeg's lavfi sine, leaving headroom for mixing. Not thread-safe.
 */
public final class ToneSource implements AudioSource {
    private final double hz;
    private final int sampleRate;
    private final double amplitude;
    private long sampleIndex;

    public ToneSource(double hz, int sampleRate) {
        this(hz, sampleRate, 0.125);
    }

    public ToneSource(double hz, int sampleRate, double amplitude) {
        if (hz <= 0 || hz >= sampleRate / 2.0) {
            throw new IllegalArgumentException("tone frequency must be between 0 and " + sampleRate / 2 + " Hz, was " + hz);
        }
        this.hz = hz;
        this.sampleRate = sampleRate;
        this.amplitude = amplitude;
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public boolean nextFrame(short[] frame) {
        for (int i = 0; i < frame.length; i++, sampleIndex++) {
            frame[i] = (short) Math.round(32767 * amplitude * Math.sin(2 * Math.PI * hz * sampleIndex / sampleRate));
        }
        return true;
    }
}
