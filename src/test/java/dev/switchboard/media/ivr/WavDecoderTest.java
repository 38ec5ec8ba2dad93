package dev.switchboard.media.ivr;

import dev.switchboard.error.SwitchboardException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Prompt files: Graph's format and the other rates are decoded to 48 kHz; anything else is refused by name. */
class WavDecoderTest {

    @Test
    void sixteenAndEightKilohertzMonoBecomeFortyEightKilohertz() {
        assertThat(WavDecoder.decode(RecordingStore.wav(new short[16000], 16000)).samples()).hasSize(48000);
        assertThat(WavDecoder.decode(RecordingStore.wav(new short[8000], 8000)).samples()).hasSize(48000);
        short[] ramp = {0, 300, 600};
        short[] up = WavDecoder.decode(RecordingStore.wav(ramp, 16000)).samples();
        assertThat(up).startsWith((short) 0, (short) 100, (short) 200, (short) 300, (short) 400, (short) 500, (short) 600);
    }

    @Test
    void whatIsNotAPromptIsRefusedSayingWhy() {
        assertThatThrownBy(() -> WavDecoder.decode("hello".getBytes())).isInstanceOf(SwitchboardException.class)
                .hasMessageContaining("not a RIFF/WAVE file");
        byte[] eightBit = RecordingStore.wav(new short[100], 16000);
        eightBit[34] = 8; // bits per sample
        assertThatThrownBy(() -> WavDecoder.decode(eightBit)).hasMessageContaining("8 bits per sample, not 16");
        byte[] alaw = RecordingStore.wav(new short[100], 16000);
        alaw[20] = 6; // format code: A-law
        assertThatThrownBy(() -> WavDecoder.decode(alaw)).hasMessageContaining("format 6, not PCM");
        assertThatThrownBy(() -> WavDecoder.decode(RecordingStore.wav(new short[0], 16000))).hasMessageContaining("no audio");
        assertThatThrownBy(() -> WavDecoder.decode(RecordingStore.wav(new short[10], 96000))).hasMessageContaining("96000 Hz");
    }
}
