package dev.switchboard.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToneMeterTest {

    static short[] tone(double hz, int rate, int samples) {
        short[] out = new short[samples];
        new ToneSource(hz, rate).nextFrame(out);
        return out;
    }

    @Test
    void aToneIsMeasuredAtItsLevelAndOtherFrequenciesAreAbsent() {
        short[] x = tone(440, 8000, 8000);
        assertThat(ToneMeter.levelDbfs(x, 8000, 440)).isBetween(-18.5, -17.5);
        assertThat(ToneMeter.levelDbfs(x, 8000, 660)).isLessThan(-60);
        assertThat(ToneMeter.verdict(ToneMeter.levelDbfs(x, 8000, 440))).isEqualTo(ToneMeter.Verdict.PRESENT);
        assertThat(ToneMeter.verdict(ToneMeter.levelDbfs(x, 8000, 660))).isEqualTo(ToneMeter.Verdict.ABSENT);
        assertThat(ToneMeter.verdict(-45)).isEqualTo(ToneMeter.Verdict.INCONCLUSIVE);
    }

    @Test
    void aMixShowsBothTonesAndShortBlocksStillSeparateThem() {
        short[] a = tone(440, 8000, 800);
        short[] b = tone(660, 8000, 800);
        short[] mix = new short[800];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = (short) (a[i] + b[i]);
        }
        assertThat(ToneMeter.levelDbfs(mix, 8000, 440)).isBetween(-19.0, -17.0);
        assertThat(ToneMeter.levelDbfs(mix, 8000, 660)).isBetween(-19.0, -17.0);
        assertThat(ToneMeter.levelDbfs(new short[800], 8000, 440)).isEqualTo(ToneMeter.SILENCE_DBFS);
    }

    @Test
    void toneIsPhaseContinuousAcrossFrames() {
        ToneSource src = new ToneSource(440, 8000);
        short[] whole = new short[1600];
        short[] frame = new short[160];
        for (int f = 0; f < 10; f++) {
            src.nextFrame(frame);
            System.arraycopy(frame, 0, whole, f * 160, 160);
        }
        assertThat(whole).isEqualTo(tone(440, 8000, 1600));
        assertThatThrownBy(() -> new ToneSource(5000, 8000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wavRoundTripAndResampling(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.wav");
        WavFiles.write(file, tone(660, 48000, 48000), 48000);
        WavFiles.Pcm pcm = WavFiles.read(file);
        assertThat(pcm.sampleRate()).isEqualTo(48000);
        assertThat(pcm.seconds()).isEqualTo(1.0);
        WavSource src = new WavSource(file, 8000);
        short[] frame = new short[8000];
        assertThat(src.nextFrame(frame)).isTrue();
        assertThat(ToneMeter.levelDbfs(frame, 8000, 660)).isBetween(-19.0, -17.0);
        assertThat(src.nextFrame(frame)).isFalse();
        Path junk = dir.resolve("junk.wav");
        Files.writeString(junk, "not audio");
        assertThatThrownBy(() -> WavFiles.read(junk)).hasMessageContaining("not a WAV file");
    }
}
