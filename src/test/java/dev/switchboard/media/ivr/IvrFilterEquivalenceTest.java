package dev.switchboard.media.ivr;

import dev.switchboard.media.codec.AudioCodec;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.IntUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 23 made the prompt and recording filters faster without changing the filters: the new code's output equals
 * the old code's ({@link LegacyRecordingDecimator}, {@link LegacyClipUpsampler}) within float rounding, at most one
 * 16-bit step apart, on random, tone and clipping input, over many consecutive frames (the history carried across).
 */
class IvrFilterEquivalenceTest {
    private static final int FRAMES = 300;

    @Test
    void theRecordingDecimatorMatchesTheCodeItReplaced() {
        Random r = new Random(23);
        check("random", i -> r.nextInt(65536) - 32768);
        check("loud random sums", i -> r.nextInt(200_001) - 100_000);
        check("tones", i -> (int) Math.round(9000 * Math.sin(2 * Math.PI * 1000 * i / 48000.0)
                + 9000 * Math.sin(2 * Math.PI * 11_000 * i / 48000.0)));
        check("clipping tone", i -> (int) Math.round(60_000 * Math.sin(2 * Math.PI * 7000 * i / 48000.0)));
        check("silence then a step", i -> i < 50_000 ? 0 : 20_000);
    }

    private static void check(String what, IntUnaryOperator signal) {
        RecordingDecimator now = new RecordingDecimator();
        LegacyRecordingDecimator before = new LegacyRecordingDecimator();
        int[] heard = new int[AudioCodec.MIX_FRAME];
        short[] a = new short[2 * AudioCodec.MIX_FRAME / 3];
        short[] b = new short[2 * AudioCodec.MIX_FRAME / 3];
        int at = 0;
        int differing = 0;
        for (int f = 0; f < FRAMES; f++) {
            for (int i = 0; i < heard.length; i++) {
                heard[i] = signal.applyAsInt(f * heard.length + i);
            }
            at = 320 - at; // both halves of the output, as a recording's chunk is filled
            long ea = now.down(heard, a, at);
            long eb = before.down(heard, b, at);
            for (int k = at; k < at + 320; k++) {
                assertThat(Math.abs(a[k] - b[k])).as("%s: frame %d, sample %d", what, f, k).isLessThanOrEqualTo(1);
                differing += a[k] != b[k] ? 1 : 0;
            }
            assertThat((double) ea).as("%s: frame %d's energy", what, f)
                    .isCloseTo(eb, org.assertj.core.data.Offset.offset(320 * 65536.0 + 1));
        }
        System.out.printf("recording decimator, %s: %d of %d samples one step apart%n", what, differing, FRAMES * 320);
    }

    @Test
    void thePromptUpsamplerMatchesTheCodeItReplaced() {
        Random r = new Random(23);
        for (int rate : new int[] {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 37800}) {
            short[] random = new short[rate * 3 + 17];
            short[] tone = new short[rate * 3 + 17];
            for (int i = 0; i < random.length; i++) {
                random[i] = (short) (r.nextInt(65536) - 32768);
                tone[i] = (short) Math.round(32767 * Math.sin(2 * Math.PI * 0.41 * rate * i / rate));
            }
            compare(rate, "random", random);
            compare(rate, "full-scale tone", tone);
        }
    }

    /** The whole clip, in frames and in odd-sized pieces, to its end (as {@link PcmClip#render} asks). */
    private static void compare(int rate, String what, short[] samples) {
        long length = (long) samples.length * AudioCodec.MIX_RATE / rate;
        int differing = 0;
        short[] a = new short[AudioCodec.MIX_FRAME * 3];
        short[] b = new short[AudioCodec.MIX_FRAME * 3];
        int[] sizes = {AudioCodec.MIX_FRAME, 2 * AudioCodec.MIX_FRAME + 7, 1, 333};
        int step = 0;
        for (long position = 0; position < length; ) {
            int n = (int) Math.min(sizes[step++ % sizes.length], length - position);
            ClipUpsampler.render(samples, rate, position, a, n);
            LegacyClipUpsampler.render(samples, rate, position, b, n);
            for (int i = 0; i < n; i++) {
                assertThat(Math.abs(a[i] - b[i])).as("%d Hz %s: sample %d", rate, what, position + i).isLessThanOrEqualTo(1);
                differing += a[i] != b[i] ? 1 : 0;
            }
            position += n;
        }
        System.out.printf("prompt upsampler, %d Hz %s: %d of %d samples one step apart%n", rate, what, differing, length);
    }
}
