package dev.switchboard.media.codec;

/** 48 kHz PCM → G.711 (µ-law or A-law) 8 kHz payload of 160 bytes. Stateless apart from scratch. */
final class G711FrameEncoder implements FrameEncoder {
    private static final int NARROW = AudioCodec.MIX_FRAME / Resampler.FACTOR;
    private final boolean ulaw;
    private final short[] narrow = new short[NARROW];

    G711FrameEncoder(boolean ulaw) {
        this.ulaw = ulaw;
    }

    @Override
    public int maxPayloadBytes() {
        return NARROW;
    }

    @Override
    public int encode(short[] pcm, byte[] out, int offset) {
        Resampler.down(pcm, narrow, NARROW);
        return encodeNarrow(narrow, out, offset);
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
