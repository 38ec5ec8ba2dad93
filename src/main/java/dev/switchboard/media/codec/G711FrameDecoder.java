package dev.switchboard.media.codec;

/** G.711 (µ-law or A-law) 8 kHz payloads → 48 kHz (or 8 kHz) PCM; concealment repeats the last frame, fading out. */
final class G711FrameDecoder implements FrameDecoder {
    private static final int NARROW = AudioCodec.MIX_FRAME / Resampler.FACTOR;
    private final boolean ulaw;
    private final short[] narrow = new short[NARROW];
    private int history;
    private int concealed;

    G711FrameDecoder(boolean ulaw) {
        this.ulaw = ulaw;
    }

    @Override
    public boolean decode(byte[] payload, int offset, int length, short[] pcm) {
        expand(payload, offset, length);
        history = Resampler.up(narrow, NARROW, pcm, history);
        return true;
    }

    @Override
    public boolean decodeNarrow(byte[] payload, int offset, int length, short[] pcm) {
        expand(payload, offset, length);
        System.arraycopy(narrow, 0, pcm, 0, NARROW);
        history = narrow[NARROW - 1];
        return true;
    }

    /** Decodes the payload into {@link #narrow} (8 kHz), padded with silence. */
    private void expand(byte[] payload, int offset, int length) {
        int n = Math.min(length, NARROW);
        if (ulaw) {
            for (int i = 0; i < n; i++) {
                narrow[i] = G711.ulawToLinear(payload[offset + i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                narrow[i] = G711.alawToLinear(payload[offset + i]);
            }
        }
        for (int i = n; i < NARROW; i++) {
            narrow[i] = 0;
        }
        concealed = 0;
    }

    @Override
    public void conceal(short[] pcm) {
        fade();
        history = Resampler.up(narrow, NARROW, pcm, history);
    }

    @Override
    public void concealNarrow(short[] pcm) {
        fade();
        System.arraycopy(narrow, 0, pcm, 0, NARROW);
        history = narrow[NARROW - 1];
    }

    /** Halves the last good frame once more (1/2, 1/4, 1/8 ...), down to silence. */
    private void fade() {
        concealed++;
        int shift = concealed; // 1/2, 1/4, 1/8 ... of the last good frame
        for (int i = 0; i < NARROW; i++) {
            narrow[i] = shift > 15 ? 0 : (short) (narrow[i] >> 1);
        }
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(narrow, (short) 0);
        history = 0;
        concealed = 0;
    }
}
