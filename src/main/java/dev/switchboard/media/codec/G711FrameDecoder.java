package dev.switchboard.media.codec;

/**
 * G.711 (µ-law or A-law) 8 kHz payloads → 48 kHz (or 8 kHz) PCM; concealment repeats the last frame, fading out.
 * The last {@link Resampler#UP_HISTORY} samples at 8 kHz are the upsampling filter's history, kept by every call
 * whatever its rate, so frames may be decoded at either rate in turn.
 */
final class G711FrameDecoder implements FrameDecoder {
    private static final int NARROW = AudioCodec.MIX_FRAME / Resampler.FACTOR;
    private static final int H = Resampler.UP_HISTORY;
    private final boolean ulaw;
    /** {@code [0..H)}: the samples before the current frame; {@code [H..H+160)}: the current frame at 8 kHz. */
    private final short[] narrow = new short[H + NARROW];
    private int concealed;

    G711FrameDecoder(boolean ulaw) {
        this.ulaw = ulaw;
    }

    @Override
    public boolean decode(byte[] payload, int offset, int length, short[] pcm) {
        expand(payload, offset, length);
        Resampler.up(narrow, pcm);
        return true;
    }

    @Override
    public boolean decodeNarrow(byte[] payload, int offset, int length, short[] pcm) {
        expand(payload, offset, length);
        System.arraycopy(narrow, H, pcm, 0, NARROW);
        return true;
    }

    /** Decodes the payload into {@link #narrow} (8 kHz) after the previous frame's tail, padded with silence. */
    private void expand(byte[] payload, int offset, int length) {
        System.arraycopy(narrow, NARROW, narrow, 0, H);
        int n = Math.min(length, NARROW);
        if (ulaw) {
            for (int i = 0; i < n; i++) {
                narrow[H + i] = G711.ulawToLinear(payload[offset + i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                narrow[H + i] = G711.alawToLinear(payload[offset + i]);
            }
        }
        for (int i = H + n; i < H + NARROW; i++) {
            narrow[i] = 0;
        }
        concealed = 0;
    }

    @Override
    public void conceal(short[] pcm) {
        fade();
        Resampler.up(narrow, pcm);
    }

    @Override
    public void concealNarrow(short[] pcm) {
        fade();
        System.arraycopy(narrow, H, pcm, 0, NARROW);
    }

    /** Halves the last good frame once more (1/2, 1/4, 1/8 ...), down to silence; the frame before becomes history. */
    private void fade() {
        System.arraycopy(narrow, NARROW, narrow, 0, H);
        concealed++;
        int shift = concealed; // 1/2, 1/4, 1/8 ... of the last good frame
        for (int i = H; i < H + NARROW; i++) {
            narrow[i] = shift > 15 ? 0 : (short) (narrow[i] >> 1);
        }
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(narrow, (short) 0);
        concealed = 0;
    }
}
