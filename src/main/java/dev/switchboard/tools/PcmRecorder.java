package dev.switchboard.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Received audio as it arrives: a growing 16-bit mono PCM buffer at a fixed rate, readable while it is
 * being written (levels over the last moments) and savable as WAV. Thread-safe.
 */
public final class PcmRecorder {
    private final int sampleRate;
    private short[] samples = new short[48000];
    private int length;

    public PcmRecorder(int sampleRate) {
        this.sampleRate = sampleRate;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public synchronized void append(short[] pcm, int count) {
        put(length, pcm, count);
    }

    /**
     * Writes samples at a position of the timeline (e.g. derived from RTP timestamps); a gap before it stays
     * silent, so what was received keeps its timing and phase even when packets were lost.
     */
    public synchronized void put(int position, short[] pcm, int count) {
        if (position < 0) {
            return;
        }
        int end = position + count;
        if (end > samples.length) {
            samples = Arrays.copyOf(samples, Math.max(samples.length * 2, end));
        }
        System.arraycopy(pcm, 0, samples, position, count);
        length = Math.max(length, end);
    }

    /** How many samples were received so far. */
    public synchronized int length() {
        return length;
    }

    /** A copy of the samples in [from, to). */
    public synchronized short[] copy(int from, int to) {
        return Arrays.copyOfRange(samples, Math.max(0, from), Math.min(to, length));
    }

    /** The level of a frequency over the last {@code millis} of received audio, in dBFS. */
    public double recentLevelDbfs(double hz, int millis) {
        int n = sampleRate / 1000 * millis;
        short[] recent;
        synchronized (this) {
            recent = copy(length - n, length);
        }
        return ToneMeter.levelDbfs(recent, sampleRate, hz);
    }

    /** The RMS level of the last {@code millis} of received audio, in dBFS (a full-scale sine is −3 dBFS). */
    public double recentRmsDbfs(int millis) {
        int n = sampleRate / 1000 * millis;
        short[] recent;
        synchronized (this) {
            recent = copy(length - n, length);
        }
        double sum = 0;
        for (short s : recent) {
            sum += (double) s * s;
        }
        double rms = recent.length == 0 ? 0 : Math.sqrt(sum / recent.length) / 32768.0;
        return rms > 1e-9 ? 20 * Math.log10(rms) : ToneMeter.SILENCE_DBFS;
    }

    /** The level of a frequency over samples received from {@code fromSample} on. */
    public double levelSinceDbfs(double hz, int fromSample) {
        short[] part = copy(fromSample, Integer.MAX_VALUE);
        return ToneMeter.levelDbfs(part, sampleRate, hz);
    }

    /**
     * Like {@link #levelSinceDbfs}, over the audio that arrived only: stretches of at least 20 ms of exact zeros (the
     * gaps the timeline leaves for packets that never came, e.g. ticks a starved server skipped) are left out, so a
     * busy machine's losses do not read as a quieter tone. A tone that is there is measured at its level; one that is
     * not stays absent.
     */
    public double receivedLevelSinceDbfs(double hz, int fromSample) {
        short[] part = copy(fromSample, Integer.MAX_VALUE);
        int gap = sampleRate / 50;
        short[] kept = new short[part.length];
        int n = 0;
        int i = 0;
        while (i < part.length) {
            int run = 0;
            while (i + run < part.length && part[i + run] == 0) {
                run++;
            }
            if (run >= gap) {
                i += run;
                continue;
            }
            int end = Math.min(part.length, i + Math.max(run, 1));
            for (; i < end; i++) {
                kept[n++] = part[i];
            }
        }
        return ToneMeter.levelDbfs(Arrays.copyOf(kept, n), sampleRate, hz);
    }

    public void writeWav(Path file) throws IOException {
        short[] all;
        synchronized (this) {
            all = Arrays.copyOf(samples, length);
        }
        WavFiles.write(file, all, sampleRate);
    }
}
