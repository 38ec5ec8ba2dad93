package dev.switchboard.media.ivr;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.testsupport.ToneAnalysis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A prompt kept at its own rate and rendered at 48 kHz frame by frame ({@link PcmClip#render}): its audio up to 0.43 ×
 * its rate passes flat, and its images — the copies at k × rate ± f that interpolation leaves in the 48 kHz mix, which
 * an Opus or WebRTC listener hears (up to 8 kHz with the {@code switchboard} preset, 20 kHz with {@code janus}) — are at
 * least 65 dB below the tone. Linear interpolation, used until session 23, left them 2–24 dB down (a 3 kHz tone of an
 * 8 kHz prompt: its 5 kHz image 4.4 dB down). {@code PromptImagesEndToEndTest} measures the same at an Opus listener.
 */
class PromptResamplingTest {
    private static final int SECONDS = 1;
    private static final double LEVEL = 0.25; // −12 dBFS

    @ParameterizedTest
    @ValueSource(ints = {8000, 9973, 11025, 16000, 22050, 32000, 44100, 47999})
    void imagesAreAtLeastSixtyFiveDecibelsBelowTheToneAndThePassbandIsFlat(int rate) {
        double worstImage = -300;
        String worstAt = "";
        double worstGain = 0;
        for (double fraction = 0.05; fraction <= 0.43; fraction += 0.02) {
            double hz = Math.round(fraction * rate);
            double[] wide = rendered(rate, hz);
            double tone = level(wide, hz);
            double gain = tone - ToneAnalysis.db(LEVEL);
            worstGain = Math.abs(gain) > Math.abs(worstGain) ? gain : worstGain;
            assertThat(gain).as("%d Hz prompt, %.0f Hz tone: its level at 48 kHz, dB", rate, hz).isBetween(-0.1, 0.1);
            for (double image : images(rate, hz)) {
                double below = level(wide, image) - tone;
                if (below > worstImage) {
                    worstImage = below;
                    worstAt = String.format("%.0f Hz tone's image at %.0f Hz", hz, image);
                }
                assertThat(below).as("%d Hz prompt, %.0f Hz tone: its image at %.0f Hz, dB below it", rate, hz, image)
                        .isLessThan(-65);
            }
        }
        System.out.printf("prompt at %d Hz: tones 0.05-0.43 x rate within %.3f dB; worst image %.1f dB (%s)%n", rate,
                worstGain, worstImage, worstAt);
    }

    /** The images of {@code hz} below 24 kHz (k × rate ± hz, folded at the mix's Nyquist frequency). */
    static List<Double> images(int rate, double hz) {
        List<Double> out = new ArrayList<>();
        for (int k = 1; k * rate - hz < AudioCodec.MIX_RATE; k++) {
            for (double f : new double[] {k * rate - hz, k * rate + hz}) {
                double folded = f % AudioCodec.MIX_RATE;
                folded = folded > AudioCodec.MIX_RATE / 2.0 ? AudioCodec.MIX_RATE - folded : folded;
                if (Math.abs(folded - hz) > 200 && folded > 100 && folded < AudioCodec.MIX_RATE / 2.0 - 100) {
                    out.add(folded);
                }
            }
        }
        return out;
    }

    /** A tone at {@code rate} in a clip, rendered at 48 kHz 20 ms at a time, as the mixer plays it. */
    static double[] rendered(int rate, double hz) {
        short[] s = new short[rate * SECONDS];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) Math.round(32767 * LEVEL * Math.sin(2 * Math.PI * hz * i / rate));
        }
        PcmClip clip = new PcmClip(s, rate);
        double[] wide = new double[(int) clip.length()];
        short[] frame = new short[AudioCodec.MIX_FRAME];
        for (long at = 0; at < clip.length(); ) {
            int n = clip.render(at, frame);
            for (int i = 0; i < n; i++) {
                wide[(int) at + i] = frame[i] / 32768.0;
            }
            at += n;
        }
        return wide;
    }

    /** Level of {@code hz} away from the clip's first and last 50 ms (where it starts from and ends in silence). */
    static double level(double[] x, double hz) {
        return ToneAnalysis.db(ToneAnalysis.goertzel(x, 2400, x.length - 2400, AudioCodec.MIX_RATE, hz, true));
    }
}
