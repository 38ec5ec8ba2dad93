package dev.switchboard.media.ivr;

import dev.switchboard.media.codec.AudioCodec;

/**
 * A decoded prompt: mono 16-bit PCM kept at the rate it came in (a 16 kHz prompt takes a third of the memory it would
 * at the mix rate) and rendered at the mix rate, 20 ms at a time, by a polyphase windowed-sinc filter
 * ({@link ClipUpsampler}). Immutable once made.
 *
 * @param samples the audio at {@code rate}; never written after creation
 * @param rate    samples per second, {@value WavDecoder#MIN_RATE} to {@value WavDecoder#MAX_RATE}
 */
public record PcmClip(short[] samples, int rate) {
    private static final int MIX = AudioCodec.MIX_RATE;
    /** The built-in hold music (no customPrompt): a soft 4-note arpeggio, 2 s, looped. */
    public static final PcmClip HOLD_MUSIC = arpeggio(new int[] {523, 659, 784, 659}, 500);

    public PcmClip {
        if (rate < WavDecoder.MIN_RATE || rate > WavDecoder.MAX_RATE) {
            throw new IllegalArgumentException("rate " + rate);
        }
    }

    /** A clip at the mix rate. */
    public PcmClip(short[] samples) {
        this(samples, MIX);
    }

    /** How many samples it plays at the mix rate. */
    public long length() {
        return (long) samples.length * MIX / rate;
    }

    /** How long it plays, in 20 ms frames (a partial last frame counts). */
    public int frames() {
        return (int) ((length() + AudioCodec.MIX_FRAME - 1) / AudioCodec.MIX_FRAME);
    }

    /** The bytes it holds in memory (for the prompt memory bound and the cache's). */
    public long bytes() {
        return 2L * samples.length;
    }

    /**
     * Writes the mix-rate samples from {@code position} on into {@code frame} (zeros past the end) and returns how
     * many were the clip's. A clip at another rate is interpolated by {@link ClipUpsampler}'s polyphase filter (its
     * images at least 70 dB down); nothing is allocated.
     */
    public int render(long position, short[] frame) {
        int n = (int) Math.max(0, Math.min(frame.length, length() - position));
        if (rate == MIX) {
            System.arraycopy(samples, (int) position, frame, 0, n);
        } else {
            ClipUpsampler.render(samples, rate, position, frame, n);
        }
        java.util.Arrays.fill(frame, n, frame.length, (short) 0);
        return n;
    }

    /** A tone of {@code hz} at about −12 dBFS for {@code millis}, with 5 ms ramps (the record beep). */
    public static PcmClip tone(int hz, int millis) {
        int n = MIX * millis / 1000;
        int ramp = MIX / 200;
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            double gain = Math.min(1.0, Math.min(i, n - 1 - i) / (double) ramp);
            s[i] = (short) Math.round(8000 * gain * Math.sin(2 * Math.PI * hz * i / MIX));
        }
        return new PcmClip(s);
    }

    private static PcmClip arpeggio(int[] notes, int millis) {
        int n = MIX * millis / 1000;
        short[] all = new short[n * notes.length];
        for (int i = 0; i < notes.length; i++) {
            System.arraycopy(tone(notes[i], millis).samples(), 0, all, i * n, n);
        }
        return new PcmClip(all);
    }
}
