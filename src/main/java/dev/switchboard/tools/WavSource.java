package dev.switchboard.tools;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Plays a WAV file once as participant audio, resampled (linear interpolation) to the codec's rate.
 * Not thread-safe.
 */
public final class WavSource implements AudioSource {
    private final short[] samples;
    private final int sampleRate;
    private int position;

    public WavSource(Path file, int targetSampleRate) throws IOException {
        WavFiles.Pcm pcm = WavFiles.read(file);
        this.samples = resample(pcm.samples(), pcm.sampleRate(), targetSampleRate);
        this.sampleRate = targetSampleRate;
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public boolean nextFrame(short[] frame) {
        int n = Math.min(frame.length, samples.length - position);
        System.arraycopy(samples, position, frame, 0, Math.max(n, 0));
        java.util.Arrays.fill(frame, Math.max(n, 0), frame.length, (short) 0);
        position += Math.max(n, 0);
        return n > 0;
    }

    static short[] resample(short[] in, int fromRate, int toRate) {
        if (fromRate == toRate || in.length == 0) {
            return in;
        }
        int outLength = (int) ((long) in.length * toRate / fromRate);
        short[] out = new short[outLength];
        double step = (double) fromRate / toRate;
        for (int i = 0; i < outLength; i++) {
            double at = i * step;
            int j = (int) at;
            double frac = at - j;
            int next = Math.min(j + 1, in.length - 1);
            out[i] = (short) Math.round(in[j] * (1 - frac) + in[next] * frac);
        }
        return out;
    }
}
