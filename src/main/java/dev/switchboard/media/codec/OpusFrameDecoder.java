package dev.switchboard.media.codec;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;

/** Opus (RFC 7587) payloads → 48 kHz mono PCM via Concentus; concealment is Opus's own PLC. */
final class OpusFrameDecoder implements FrameDecoder {
    /** Room for the longest Opus packet (120 ms); only the first 20 ms are used. */
    private static final int MAX_SAMPLES = 5760;
    private final short[] scratch = new short[MAX_SAMPLES];
    private OpusDecoder decoder;

    OpusFrameDecoder() {
        decoder = newDecoder();
    }

    private static OpusDecoder newDecoder() {
        try {
            return new OpusDecoder(AudioCodec.MIX_RATE, 1);
        } catch (OpusException e) {
            throw new IllegalStateException("Concentus refused 48 kHz mono", e);
        }
    }

    @Override
    public boolean decode(byte[] payload, int offset, int length, short[] pcm) {
        try {
            int n = decoder.decode(payload, offset, length, scratch, 0, MAX_SAMPLES, false);
            copy(n, pcm);
            return true;
        } catch (OpusException | RuntimeException e) {
            OpusCodecs.frameError();
            conceal(pcm);
            return false;
        }
    }

    @Override
    public void conceal(short[] pcm) {
        try {
            int n = decoder.decode(null, 0, 0, scratch, 0, AudioCodec.MIX_FRAME, false);
            copy(n, pcm);
        } catch (OpusException | RuntimeException e) {
            java.util.Arrays.fill(pcm, 0, AudioCodec.MIX_FRAME, (short) 0);
        }
    }

    private void copy(int n, short[] pcm) {
        int m = Math.max(0, Math.min(n, AudioCodec.MIX_FRAME));
        System.arraycopy(scratch, 0, pcm, 0, m);
        java.util.Arrays.fill(pcm, m, AudioCodec.MIX_FRAME, (short) 0);
    }

    @Override
    public void reset() {
        decoder.resetState();
    }
}
