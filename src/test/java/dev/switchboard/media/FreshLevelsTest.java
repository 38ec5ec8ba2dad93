package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FreshLevelsTest {

    private static LegSample sample(String participant, long framesMixed, int peak) {
        LegStats stats = new LegStats(participant, 40_000, AudioCodec.PCMU, 0, 0, 0, framesMixed, 0, Map.of(),
                0, 0, false, false);
        return new LegSample(stats, false, peak, 0);
    }

    @Test
    void aLegIsLoudOnlyWhileFramesAreMixedForItSinceTheReadersPreviousReading() {
        FreshLevels levels = new FreshLevels();
        assertThat(levels.level("room", "a", sample("a", 0, 16_000))).isZero();
        assertThat(levels.level("room", "a", sample("a", 5, 32_767))).isCloseTo(1.0, within(1e-9));
        assertThat(levels.level("room", "a", sample("a", 5, 32_767))).as("no frame mixed since: muted or silent").isZero();
        assertThat(levels.level("room", "a", sample("a", 6, 8_192))).isCloseTo(0.25, within(1e-4));
    }

    @Test
    void readersAndLegsAreIndependent() {
        FreshLevels roster = new FreshLevels();
        FreshLevels dashboard = new FreshLevels();
        assertThat(roster.level("room", "a", sample("a", 3, 16_384))).isCloseTo(0.5, within(1e-4));
        assertThat(dashboard.level("room", "a", sample("a", 3, 16_384))).as("another reader's first reading")
                .isCloseTo(0.5, within(1e-4));
        assertThat(roster.level("room", "b", sample("b", 3, 16_384))).as("another leg").isCloseTo(0.5, within(1e-4));
        assertThat(roster.level("other", "a", sample("a", 3, 16_384))).as("the same id in another room")
                .isCloseTo(0.5, within(1e-4));
    }
}
