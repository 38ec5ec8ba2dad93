package dev.switchboard.bench;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameDecoder;
import dev.switchboard.media.codec.FrameEncoder;
import dev.switchboard.media.codec.G711;

/**
 * PCMU with the resampling G.711 legs had until session 22 (a 6-sample average down, linear interpolation up), kept
 * only so that benchmarks can compare it with the FIR resampler in the same run. Not for the server.
 */
final class LegacyG711 {
    private static final int NARROW = AudioCodec.NARROW_FRAME;

    private LegacyG711() {
    }

    static final class Encoder implements FrameEncoder {
        private final short[] narrow = new short[NARROW];

        @Override
        public int maxPayloadBytes() {
            return NARROW;
        }

        @Override
        public int encode(short[] pcm, byte[] out, int offset) {
            int j = 0;
            for (int i = 0; i < NARROW; i++) {
                int s = pcm[j] + pcm[j + 1] + pcm[j + 2] + pcm[j + 3] + pcm[j + 4] + pcm[j + 5];
                narrow[i] = (short) (s / 6);
                j += 6;
            }
            for (int i = 0; i < NARROW; i++) {
                out[offset + i] = G711.linearToUlaw(narrow[i]);
            }
            return NARROW;
        }
    }

    static final class Decoder implements FrameDecoder {
        private final short[] narrow = new short[NARROW];
        private int prev;

        @Override
        public boolean decode(byte[] payload, int offset, int length, short[] pcm) {
            int n = Math.min(length, NARROW);
            for (int i = 0; i < n; i++) {
                narrow[i] = G711.ulawToLinear(payload[offset + i]);
            }
            int o = 0;
            for (int i = 0; i < NARROW; i++) {
                int cur = narrow[i];
                int d = cur - prev;
                pcm[o++] = (short) (prev + d / 6);
                pcm[o++] = (short) (prev + d / 3);
                pcm[o++] = (short) (prev + d / 2);
                pcm[o++] = (short) (prev + 2 * d / 3);
                pcm[o++] = (short) (prev + 5 * d / 6);
                pcm[o++] = (short) cur;
                prev = cur;
            }
            return true;
        }

        @Override
        public void conceal(short[] pcm) {
            java.util.Arrays.fill(pcm, (short) 0);
        }

        @Override
        public void reset() {
            prev = 0;
        }
    }
}
