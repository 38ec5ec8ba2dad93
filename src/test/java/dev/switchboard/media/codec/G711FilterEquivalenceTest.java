package dev.switchboard.media.codec;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.IntUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 23 made the G.711 legs' resampling faster without changing the filters: {@link Decimator} and
 * {@link Resampler#up} give what the code they replaced ({@link LegacyDecimator}, {@link LegacyResampler}) gave, within
 * float rounding (at most one 16-bit step apart), on random, tone and clipping input, over many consecutive frames
 * (the history carried across, and across a restart).
 */
class G711FilterEquivalenceTest {
    private static final int FRAMES = 300;

    @Test
    void downMatchesTheCodeItReplaced() {
        Random r = new Random(23);
        down("random", i -> r.nextInt(65536) - 32768);
        down("tones", i -> (int) Math.round(12_000 * Math.sin(2 * Math.PI * 1000 * i / 48000.0)
                + 12_000 * Math.sin(2 * Math.PI * 5000 * i / 48000.0)));
        down("full-scale square", i -> (i / 37) % 2 == 0 ? 32767 : -32768);
    }

    private static void down(String what, IntUnaryOperator signal) {
        Decimator now = new Decimator();
        LegacyDecimator before = new LegacyDecimator();
        short[] in = new short[AudioCodec.MIX_FRAME];
        short[] a = new short[AudioCodec.NARROW_FRAME];
        short[] b = new short[AudioCodec.NARROW_FRAME];
        int differing = 0;
        for (int f = 0; f < FRAMES; f++) {
            if (f % 100 == 50) {
                now.restart();
                before.restart();
            }
            for (int i = 0; i < in.length; i++) {
                in[i] = (short) signal.applyAsInt(f * in.length + i);
            }
            now.down(in, a);
            before.down(in, b);
            for (int k = 0; k < a.length; k++) {
                assertThat(Math.abs(a[k] - b[k])).as("%s: frame %d, sample %d", what, f, k).isLessThanOrEqualTo(1);
                differing += a[k] != b[k] ? 1 : 0;
            }
        }
        System.out.printf("decimator, %s: %d of %d samples one step apart%n", what, differing, FRAMES * a.length);
    }

    @Test
    void upMatchesTheCodeItReplaced() {
        Random r = new Random(23);
        up("random", i -> r.nextInt(65536) - 32768);
        up("tone", i -> (int) Math.round(20_000 * Math.sin(2 * Math.PI * 3000 * i / 8000.0)));
        up("full-scale square", i -> (i / 3) % 2 == 0 ? 32767 : -32768);
    }

    private static void up(String what, IntUnaryOperator signal) {
        short[] stream = new short[Resampler.UP_HISTORY + FRAMES * AudioCodec.NARROW_FRAME];
        for (int i = Resampler.UP_HISTORY; i < stream.length; i++) {
            stream[i] = (short) signal.applyAsInt(i);
        }
        short[] in = new short[Resampler.UP_HISTORY + AudioCodec.NARROW_FRAME];
        short[] a = new short[AudioCodec.MIX_FRAME];
        short[] b = new short[AudioCodec.MIX_FRAME];
        int differing = 0;
        for (int f = 0; f < FRAMES; f++) {
            System.arraycopy(stream, f * AudioCodec.NARROW_FRAME, in, 0, in.length);
            Resampler.up(in, a);
            LegacyResampler.up(in, b);
            for (int k = 0; k < a.length; k++) {
                assertThat(Math.abs(a[k] - b[k])).as("%s: frame %d, sample %d", what, f, k).isLessThanOrEqualTo(1);
                differing += a[k] != b[k] ? 1 : 0;
            }
        }
        System.out.printf("up, %s: %d of %d samples one step apart%n", what, differing, FRAMES * a.length);
    }
}
