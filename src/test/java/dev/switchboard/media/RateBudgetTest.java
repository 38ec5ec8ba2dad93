package dev.switchboard.media;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-leg token buckets, on a clock the test sets. */
class RateBudgetTest {
    static final long MS = 1_000_000L;

    @Test
    void keyPressesComeInBurstsOfTwentyThenOneEvery40Ms() {
        RateBudget b = RateBudget.keyPresses();
        long t = 1_000 * MS;
        for (int i = 0; i < RateBudget.KEY_PRESS_BURST; i++) {
            assertThat(b.take(t)).as("press %d of the burst", i).isTrue();
        }
        assertThat(b.take(t)).as("past the burst, at once").isFalse();
        assertThat(b.take(t + 39 * MS)).isFalse();
        assertThat(b.take(t + 40 * MS)).as("one more after 1/25 s").isTrue();
        assertThat(b.take(t + 41 * MS)).isFalse();
        long later = t + 10_000 * MS;
        int taken = 0;
        while (b.take(later)) {
            taken++;
        }
        assertThat(taken).as("an idle leg saves up one burst, not more").isEqualTo(RateBudget.KEY_PRESS_BURST);
    }

    @Test
    void aKeypadsPaceIsNeverCut() {
        RateBudget b = RateBudget.keyPresses();
        long t = 5_000 * MS;
        for (int i = 0; i < 1_000; i++) { // 80 ms a digit (40 on, 40 off: ITU-T Q.24's fastest)
            assertThat(b.take(t + i * 80 * MS)).as("press %d", i).isTrue();
        }
    }

    @Test
    void packetsComeInBurstsOfFiftyThen150ASecond() {
        RateBudget b = RateBudget.packets();
        long t = 7_000 * MS;
        int taken = 0;
        for (int ms = 0; ms < 1_000; ms++) { // a packet every 0.2 ms for 1 s
            for (int k = 0; k < 5; k++) {
                if (b.take(t + ms * MS + k * 200_000L)) {
                    taken++;
                }
            }
        }
        assertThat(taken).isBetween(RateBudget.PACKET_BURST + RateBudget.PACKETS_PER_SECOND - 1,
                RateBudget.PACKET_BURST + RateBudget.PACKETS_PER_SECOND);
    }
}
