package dev.switchboard.media.codec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class G711Test {

    @Test
    void ulawTableMatchesTheReferenceValues() {
        assertThat(G711.ulawToLinear((byte) 0xFF)).isEqualTo((short) 0);
        assertThat(G711.ulawToLinear((byte) 0x7F)).isEqualTo((short) 0);
        assertThat(G711.ulawToLinear((byte) 0x80)).isEqualTo((short) 32124);
        assertThat(G711.ulawToLinear((byte) 0x00)).isEqualTo((short) -32124);
        assertThat(G711.ulawToLinear((byte) 0xFE)).isEqualTo((short) 8);
        assertThat(G711.linearToUlaw(0)).isEqualTo((byte) 0xFF);
        assertThat(G711.linearToUlaw(32767)).isEqualTo((byte) 0x80);
        assertThat(G711.linearToUlaw(-32768)).isEqualTo((byte) 0x00);
    }

    @Test
    void alawTableMatchesTheReferenceValues() {
        assertThat(G711.alawToLinear((byte) 0xD5)).isEqualTo((short) 8);
        assertThat(G711.alawToLinear((byte) 0x55)).isEqualTo((short) -8);
        assertThat(G711.alawToLinear((byte) 0xAA)).isEqualTo((short) 32256);
        assertThat(G711.alawToLinear((byte) 0x2A)).isEqualTo((short) -32256);
        assertThat(G711.linearToAlaw(0)).isEqualTo((byte) 0xD5);
        assertThat(G711.linearToAlaw(32767)).isEqualTo((byte) 0xAA);
        assertThat(G711.linearToAlaw(-32768)).isEqualTo((byte) 0x2A);
    }

    @Test
    void everyCodeSurvivesDecodeThenEncode() {
        for (int code = 0; code < 256; code++) {
            short u = G711.ulawToLinear((byte) code);
            assertThat(G711.ulawToLinear(G711.linearToUlaw(u))).as("ulaw %02x", code).isEqualTo(u);
            short a = G711.alawToLinear((byte) code);
            assertThat(G711.linearToAlaw(a)).as("alaw %02x", code).isEqualTo((byte) code);
        }
    }

    @Test
    void quantisationErrorStaysWithinTheSegmentStep() {
        for (int s = -32000; s <= 32000; s += 7) {
            int u = G711.ulawToLinear(G711.linearToUlaw(s));
            int a = G711.alawToLinear(G711.linearToAlaw(s));
            int step = Math.max(16, Math.abs(s) / 16);
            assertThat(Math.abs(u - s)).as("ulaw %d", s).isLessThanOrEqualTo(step);
            assertThat(Math.abs(a - s)).as("alaw %d", s).isLessThanOrEqualTo(step);
        }
    }

    @Test
    void outOfRangeSamplesSaturate() {
        assertThat(G711.linearToUlaw(100_000)).isEqualTo(G711.linearToUlaw(32767));
        assertThat(G711.linearToAlaw(-100_000)).isEqualTo(G711.linearToAlaw(-32768));
    }
}
