package dev.switchboard.media;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TickSpacingTest {
    private static final long MS = 1_000_000L;
    private static final long P = MixerThread.PERIOD_NANOS;

    @Test
    void theNextThreadTicksAfterThePreviousRoundPlusAMarginAtMostItsShareOfThePeriod() {
        assertThat(TickSpacing.spacing(0, 2)).isEqualTo(TickSpacing.GAP_NANOS);
        assertThat(TickSpacing.spacing(4 * MS, 2)).isEqualTo(5 * MS + TickSpacing.GAP_NANOS); // 4 ms + a quarter + 1 ms
        assertThat(TickSpacing.spacing(30 * MS, 2)).isEqualTo(P / 2);
        assertThat(TickSpacing.spacing(30 * MS, 4)).isEqualTo(P / 4);
    }

    @Test
    void aFollowerClosesUpInSmallStepsWithoutCrossingThePreviousTick() {
        long previous = 1000 * P + 3 * MS;
        long spacing = 6 * MS;
        // it starts 15 ms after the previous thread's tick: earlier in 2 ms steps, never past the previous tick
        long next = previous + 7 * P + 15 * MS;
        for (int w = 0; w < 20; w++) {
            long shift = TickSpacing.follow(next, previous, spacing);
            assertThat(Math.abs(shift)).isLessThanOrEqualTo(TickPhase.MAX_STEP_NANOS);
            next += shift;
            long offset = Math.floorMod(next - previous, P);
            assertThat(offset).isGreaterThanOrEqualTo(spacing - TickSpacing.DEAD_BAND_NANOS);
        }
        assertThat(Math.floorMod(next - previous, P)).isEqualTo(spacing);
        assertThat(TickSpacing.follow(next, previous, spacing)).isZero();
        // within the dead band it stays
        assertThat(TickSpacing.follow(next + 300_000, previous, spacing)).isZero();
        // at the same instant as the previous thread: later
        assertThat(TickSpacing.follow(previous, previous + 2 * P, spacing)).isEqualTo(TickPhase.MAX_STEP_NANOS);
        // just overtaken by the previous thread (1 ms before it): later again, not all the way round the period
        assertThat(TickSpacing.follow(previous - MS, previous, spacing)).isEqualTo(TickPhase.MAX_STEP_NANOS);
    }

    @Test
    void theThreadWithTheShortestRoundsLeadsAndTheOthersFollowInOrder() {
        long[] keys = {5 * MS, MS, 3 * MS};
        assertThat(TickSpacing.previous(keys, 1)).isEqualTo(-1);
        assertThat(TickSpacing.previous(keys, 2)).isEqualTo(1);
        assertThat(TickSpacing.previous(keys, 0)).isEqualTo(2);
        long[] equal = {2 * MS, 2 * MS};
        assertThat(TickSpacing.previous(equal, 0)).isEqualTo(-1);
        assertThat(TickSpacing.previous(equal, 1)).isEqualTo(0);
    }

    @Test
    void theOrderKeyMovesOnlyWithAClearChange() {
        assertThat(TickSpacing.orderKey(0, 100_000)).isZero(); // idle threads keep key 0
        assertThat(TickSpacing.orderKey(0, 4 * MS)).isEqualTo(4 * MS);
        assertThat(TickSpacing.orderKey(4 * MS, 4_800_000)).isEqualTo(4 * MS); // +20 %: stays
        assertThat(TickSpacing.orderKey(4 * MS, 5_100_000)).isEqualTo(5_100_000);
        assertThat(TickSpacing.orderKey(MS, 1_200_000)).isEqualTo(MS); // +0.2 ms: stays
    }

    /**
     * Two mixer threads whose legs' packets arrive at the same phase (rooms spread over both): on their own both
     * TickPhases pick the same tick and the rounds overlap; with TickSpacing the shorter-round thread takes that phase
     * and the other one ticks right after its round.
     */
    @Test
    void twoThreadsWhoseLegsArriveTogetherEndUpOneAfterTheOther() {
        long grid = 0;
        TickPhase[] phases = {new TickPhase(grid), new TickPhase(grid)};
        long[] rounds = {4 * MS, 3 * MS}; // thread 1 has the shorter rounds: it leads
        long[] next = {1000 * P, 1000 * P + P / 2}; // spread over the period at start, as MixerThread starts them
        long[] keys = {rounds[0], rounds[1]};
        for (int w = 0; w < 30; w++) {
            for (int t = 0; t < 2; t++) {
                for (int i = 0; i < 200; i++) {
                    phases[t].arrived(grid + 2000 * P + 4 * MS + (i % 3) * MS); // 4-7 ms past the grid
                }
            }
            for (int t = 0; t < 2; t++) {
                long arrivals = phases[t].adjust(next[t]);
                int previous = TickSpacing.previous(keys, t);
                next[t] += previous < 0 ? arrivals
                        : TickSpacing.follow(next[t], next[previous], TickSpacing.spacing(rounds[previous], 2));
            }
        }
        long lead = Math.floorMod(next[1] - grid, P);
        long follower = Math.floorMod(next[0] - grid, P);
        assertThat(lead - 7 * MS).isBetween(TickPhase.MARGIN_NANOS, TickPhase.MARGIN_NANOS + 2 * MS);
        long gap = Math.floorMod(follower - lead, P);
        assertThat(gap).isBetween(TickSpacing.spacing(rounds[1], 2) - TickSpacing.DEAD_BAND_NANOS,
                TickSpacing.spacing(rounds[1], 2) + TickSpacing.DEAD_BAND_NANOS);
        assertThat(gap).isGreaterThan(rounds[1]); // the follower starts after the leader's round ends
    }
}
