package dev.switchboard.bench;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameEncoder;

/** One pre-encoded 20 ms tone per talker (300 Hz + 110 Hz × index), for benchmarks that replay them as RTP payloads. */
record EncodedTones(byte[][] payloads, int[] lengths) {

    static EncodedTones of(AudioCodec codec, int talkers) {
        FrameEncoder encoder = codec.newEncoder();
        byte[][] payloads = new byte[talkers][];
        int[] lengths = new int[talkers];
        for (int l = 0; l < talkers; l++) {
            short[] tone = new short[AudioCodec.MIX_FRAME];
            for (int s = 0; s < tone.length; s++) {
                tone[s] = (short) (3000 * Math.sin(2 * Math.PI * (300 + 110 * l) * s / 48000.0));
            }
            payloads[l] = new byte[encoder.maxPayloadBytes()];
            lengths[l] = encoder.encode(tone, payloads[l], 0);
        }
        return new EncodedTones(payloads, lengths);
    }
}
