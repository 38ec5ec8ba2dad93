package dev.switchboard.media.ivr;

/**
 * A decoded prompt, ready for the mixer: mono 16-bit PCM at the mix rate (48 kHz), immutable once made.
 *
 * @param samples the audio at {@link dev.switchboard.media.codec.AudioCodec#MIX_RATE}; never written after creation
 */
public record PcmClip(short[] samples) {
    /** The built-in hold music (no customPrompt): a soft 4-note arpeggio, 2 s, looped. */
    public static final PcmClip HOLD_MUSIC = arpeggio(new int[] {523, 659, 784, 659}, 500);

    /** How long it plays, in 20 ms frames (a partial last frame counts). */
    public int frames() {
        int n = dev.switchboard.media.codec.AudioCodec.MIX_FRAME;
        return (samples.length + n - 1) / n;
    }

    /** The bytes it holds in memory (for the prompt cache's bound). */
    public long bytes() {
        return 2L * samples.length;
    }

    /** A tone of {@code hz} at about −12 dBFS for {@code millis}, with 5 ms ramps (the record beep). */
    public static PcmClip tone(int hz, int millis) {
        int rate = dev.switchboard.media.codec.AudioCodec.MIX_RATE;
        int n = rate * millis / 1000;
        int ramp = rate / 200;
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            double gain = Math.min(1.0, Math.min(i, n - 1 - i) / (double) ramp);
            s[i] = (short) Math.round(8000 * gain * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return new PcmClip(s);
    }

    private static PcmClip arpeggio(int[] notes, int millis) {
        int n = dev.switchboard.media.codec.AudioCodec.MIX_RATE * millis / 1000;
        short[] all = new short[n * notes.length];
        for (int i = 0; i < notes.length; i++) {
            System.arraycopy(tone(notes[i], millis).samples(), 0, all, i * n, n);
        }
        return new PcmClip(all);
    }
}
