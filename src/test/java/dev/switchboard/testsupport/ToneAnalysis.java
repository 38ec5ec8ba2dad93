package dev.switchboard.testsupport;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Goertzel levels of single frequencies in a WAV file, with the project's three-way verdict
 * (present ≥ −30 dBFS, absent ≤ −60 dBFS, anything in between is inconclusive and must fail a test).
 * A missing, empty or unreadable WAV (what ffmpeg/gst leave when no RTP arrived) reads as absent.
 */
public final class ToneAnalysis {
    public static final double PRESENT_DBFS = -30;
    public static final double ABSENT_DBFS = -60;
    /** The level reported for digital silence and for missing/empty/unreadable files. */
    public static final double SILENCE_DBFS = -180;

    public enum Verdict { PRESENT, ABSENT, INCONCLUSIVE }

    /** Decoded mono samples (channel 0, full scale = 1.0) and their rate. */
    public record Samples(double[] x, double rate) {
        public double seconds() {
            return rate > 0 ? x.length / rate : 0;
        }
    }

    private ToneAnalysis() {
    }

    /** Reads channel 0 of a WAV; an absent/empty/unreadable file gives zero samples. */
    public static Samples read(Path wav) {
        if (wav == null || !Files.isRegularFile(wav)) {
            return new Samples(new double[0], 0);
        }
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            AudioFormat f = in.getFormat();
            float sr = f.getSampleRate();
            int ch = Math.max(1, f.getChannels());
            byte[] b;
            try (AudioInputStream pcm = AudioSystem.getAudioInputStream(new AudioFormat(sr, 16, ch, true, false), in)) {
                b = pcm.readAllBytes();
            }
            double[] x = new double[b.length / 2 / ch];
            for (int i = 0; i < x.length; i++) {
                x[i] = (short) ((b[2 * i * ch] & 0xff) | (b[2 * i * ch + 1] << 8)) / 32768.0;
            }
            return new Samples(x, sr);
        } catch (IOException | IllegalArgumentException | javax.sound.sampled.UnsupportedAudioFileException e) {
            return new Samples(new double[0], 0);
        }
    }

    /** Level in dBFS of {@code frequency} over the whole file (rectangular window). */
    public static double levelDbfs(Path wav, double frequency) {
        Samples s = read(wav);
        return db(goertzel(s.x(), 0, s.x().length, s.rate(), frequency, false));
    }

    /** Level in dBFS of {@code frequency} between two instants of the file (Hann window). */
    public static double levelDbfs(Path wav, double frequency, double fromSeconds, double toSeconds) {
        return levelDbfs(read(wav), frequency, fromSeconds, toSeconds);
    }

    /** Level in dBFS of {@code frequency} in {@code [from, to)} seconds of already read samples (Hann window). */
    public static double levelDbfs(Samples s, double frequency, double fromSeconds, double toSeconds) {
        int from = (int) Math.max(0, Math.round(fromSeconds * s.rate()));
        int to = (int) Math.min(s.x().length, Math.round(toSeconds * s.rate()));
        return db(goertzel(s.x(), from, to, s.rate(), frequency, true));
    }

    /**
     * The first instant (20 ms steps) where {@code frequency} was present (≥ −30 dBFS) for the 0.5 s before
     * and is absent (≤ −60 dBFS) for the 0.5 s after a 0.1 s guard, or NaN if it never stops. Used to find
     * where a known switch (e.g. a mute) landed in a recording whose start is not exactly known.
     */
    public static double firstFallingEdge(Samples s, double frequency) {
        for (double t = 0.5; t + 0.6 <= s.seconds(); t += 0.02) {
            if (levelDbfs(s, frequency, t - 0.5, t) >= PRESENT_DBFS && levelDbfs(s, frequency, t + 0.1, t + 0.6) <= ABSENT_DBFS) {
                return t;
            }
        }
        return Double.NaN;
    }

    public static Verdict verdict(double dbfs) {
        return dbfs >= PRESENT_DBFS ? Verdict.PRESENT : dbfs <= ABSENT_DBFS ? Verdict.ABSENT : Verdict.INCONCLUSIVE;
    }

    /** Length of the file in seconds (0 for missing/empty/unreadable). */
    public static double durationSeconds(Path wav) {
        return read(wav).seconds();
    }

    /** Amplitude (1.0 = full scale) of frequency {@code f} in {@code x[from, to)}. */
    public static double goertzel(double[] x, int from, int to, double rate, double f, boolean hann) {
        int n = to - from;
        if (n <= 1 || rate <= 0) {
            return 0;
        }
        double c = 2 * Math.cos(2 * Math.PI * f / rate);
        double s1 = 0;
        double s2 = 0;
        double wsum = 0;
        for (int i = 0; i < n; i++) {
            double w = hann ? 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1)) : 1;
            wsum += w;
            double s0 = x[from + i] * w + c * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return 2 * Math.sqrt(Math.max(s1 * s1 + s2 * s2 - c * s1 * s2, 0)) / wsum;
    }

    public static double db(double amplitude) {
        return amplitude > 1e-9 ? 20 * Math.log10(amplitude) : SILENCE_DBFS;
    }
}
