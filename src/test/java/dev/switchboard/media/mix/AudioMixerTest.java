package dev.switchboard.media.mix;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.G711;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class AudioMixerTest {
    private final AudioMixer mixer = new AudioMixer();

    private static short[] constant(int v) {
        short[] s = new short[AudioCodec.MIX_FRAME];
        Arrays.fill(s, (short) v);
        return s;
    }

    @Test
    void eachTalkerHearsEveryoneButItself() {
        short[] a = constant(100);
        short[] b = constant(20);
        short[] c = constant(3);
        mixer.begin();
        mixer.add(a);
        mixer.add(b);
        mixer.add(c);
        short[] out = new short[AudioCodec.MIX_FRAME];
        mixer.mixMinus(a, out);
        assertThat(out).containsOnly((short) 23);
        mixer.mixMinus(b, out);
        assertThat(out).containsOnly((short) 103);
        assertThat(mixer.fullMix()).containsOnly((short) 123);
        assertThat(mixer.contributors()).isEqualTo(3);
    }

    @Test
    void sumsSaturateInsteadOfWrapping() {
        mixer.begin();
        mixer.add(constant(30000));
        mixer.add(constant(30000));
        mixer.add(constant(-1));
        short[] out = new short[AudioCodec.MIX_FRAME];
        mixer.mixMinus(constant(-1), out);
        assertThat(out).containsOnly(Short.MAX_VALUE);
        mixer.begin();
        mixer.add(constant(-30000));
        mixer.add(constant(-30000));
        assertThat(mixer.fullMix()).containsOnly(Short.MIN_VALUE);
    }

    @Test
    void listenersShareOneEncodingPerCodecPerTick() {
        mixer.begin();
        mixer.add(constant(800));
        int n = mixer.encodeShared(AudioCodec.PCMU);
        byte[] first = mixer.sharedPayload(AudioCodec.PCMU);
        assertThat(n).isEqualTo(160);
        assertThat(mixer.encodeShared(AudioCodec.PCMU)).isEqualTo(160);
        assertThat(mixer.sharedPayload(AudioCodec.PCMU)).isSameAs(first);
        assertThat(G711.ulawToLinear(first[80])).isBetween((short) 780, (short) 820);
        mixer.begin();
        mixer.encodeShared(AudioCodec.PCMU);
        assertThat(G711.ulawToLinear(mixer.sharedPayload(AudioCodec.PCMU)[80])).isZero();
    }

    @Test
    void aFrameTakenOutMidTickLeavesNoTraceInTheMixOrTheSharedEncoding() {
        short[] a = constant(1000);
        short[] b = constant(300);
        mixer.begin();
        mixer.add(a);
        mixer.add(b);
        mixer.encodeShared(AudioCodec.PCMU);
        mixer.remove(a);
        assertThat(mixer.fullMix()).containsOnly((short) 300);
        assertThat(mixer.contributors()).isEqualTo(1);
        mixer.encodeShared(AudioCodec.PCMU);
        assertThat(G711.ulawToLinear(mixer.sharedPayload(AudioCodec.PCMU)[80])).isBetween((short) 290, (short) 310);
    }

    @Test
    void aNarrowTickMixesTheFirst160SamplesAndEncodesNarrowband() {
        short[] a = constant(100);
        short[] b = constant(20);
        Arrays.fill(a, AudioCodec.NARROW_FRAME, a.length, (short) 9999); // beyond 160 samples: never read at 8 kHz
        mixer.begin(true);
        mixer.add(a);
        mixer.add(b);
        short[] out = new short[AudioCodec.MIX_FRAME];
        mixer.mixMinus(b, out);
        assertThat(Arrays.copyOf(out, AudioCodec.NARROW_FRAME)).containsOnly((short) 100);
        assertThat(Arrays.copyOf(mixer.fullMix(), AudioCodec.NARROW_FRAME)).containsOnly((short) 120);
        assertThat(mixer.narrow()).isTrue();
        int len = mixer.encodeShared(AudioCodec.PCMU);
        assertThat(len).isEqualTo(160);
        for (int i = 0; i < len; i++) {
            assertThat(G711.ulawToLinear(mixer.sharedPayload(AudioCodec.PCMU)[i])).isBetween((short) 110, (short) 130);
        }
        mixer.begin();
        assertThat(mixer.narrow()).isFalse();
    }

    @Test
    void theSharedG711EncoderStartsAfreshWhenItsStreamDidNotRunLastTick() {
        // tick 1: a loud full mix; tick 2: the room mixed at 8 kHz; tick 3: a quiet one at 48 kHz again. The shared
        // encoder's resampling filter must not replay tick 1's last 1.7 ms at the start of tick 3, nor after a remove
        mixer.begin();
        mixer.add(constant(20000));
        mixer.encodeShared(AudioCodec.PCMU);
        mixer.begin(true);
        mixer.add(constant(100));
        mixer.encodeShared(AudioCodec.PCMU);
        mixer.begin();
        mixer.add(constant(300));
        mixer.encodeShared(AudioCodec.PCMU);
        for (byte b : mixer.sharedPayload(AudioCodec.PCMU)) {
            assertThat(G711.ulawToLinear(b)).as("after an 8 kHz tick").isBetween((short) 290, (short) 310);
        }
        mixer.begin();
        short[] loud = constant(20000);
        mixer.add(loud);
        mixer.add(constant(300));
        mixer.encodeShared(AudioCodec.PCMU);
        mixer.remove(loud); // muted mid-tick: re-encoded in the same tick
        mixer.encodeShared(AudioCodec.PCMU);
        for (byte b : mixer.sharedPayload(AudioCodec.PCMU)) {
            assertThat(G711.ulawToLinear(b)).as("re-encoded after a remove").isBetween((short) 290, (short) 310);
        }
    }
}
