package dev.switchboard.media.codec;

/**
 * 48 kHz PCM → G.711 (µ-law or A-law) 8 kHz payload of 160 bytes. Its {@link Decimator} keeps the stream's last
 * samples (1.7 ms), so it encodes one stream: a caller that feeds it frames of another stream in between, or skips
 * frames, says so with {@link #discontinuity()}. {@link #encodeNarrow} is stateless.
 */
final class G711FrameEncoder implements FrameEncoder {
    private static final int NARROW = AudioCodec.MIX_FRAME / Resampler.FACTOR;
    private final boolean ulaw;
    private final short[] narrow = new short[NARROW];
    private final Decimator decimator = new Decimator();

    G711FrameEncoder(boolean ulaw) {
        this.ulaw = ulaw;
    }

    @Override
    public int maxPayloadBytes() {
        return NARROW;
    }

    @Override
    public int encode(short[] pcm, byte[] out, int offset) {
        decimator.down(pcm, narrow);
        return encodeNarrow(narrow, out, offset);
    }

    @Override
    public void discontinuity() {
        decimator.restart();
    }

    @Override
    public int encodeNarrow(short[] narrow, byte[] out, int offset) {
        if (ulaw) {
            for (int i = 0; i < NARROW; i++) {
                out[offset + i] = G711.linearToUlaw(narrow[i]);
            }
        } else {
            for (int i = 0; i < NARROW; i++) {
                out[offset + i] = G711.linearToAlaw(narrow[i]);
            }
        }
        return NARROW;
    }
}
