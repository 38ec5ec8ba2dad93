package dev.switchboard.media;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TickPhaseTest {
    private static final long MS = 1_000_000L;
    private static final long P = MixerThread.PERIOD_NANOS;

    /** Ticks at {@code next}; every window, 400 frames arrive at {@code arrivalPhase} (+0..2 ms) past the grid. */
    private static long settle(TickPhase phase, long grid, long next, long arrivalPhase, int windows) {
        for (int w = 0; w < windows; w++) {
            for (int i = 0; i < 400; i++) {
                phase.arrived(grid + 1000 * P + arrivalPhase + (i % 3) * MS);
            }
            long shift = phase.adjust(next);
            assertThat(Math.abs(shift)).isLessThanOrEqualTo(TickPhase.MAX_STEP_NANOS);
            next += shift;
        }
        return next;
    }

    @Test
    void theTickMovesInSmallStepsUntilFramesArriveJustBeforeIt() {
        long grid = 5 * P;
        TickPhase phase = new TickPhase(grid);
        // frames arrive 4-7 ms past the grid; ticks sit at 2 ms: a frame waits ~15-18 ms
        long next = settle(phase, grid, grid + 100 * P + 2 * MS, 4 * MS, 30);
        long tickPhase = Math.floorMod(next - grid, P);
        long lastArrival = 7 * MS;
        assertThat(tickPhase - lastArrival).isBetween(TickPhase.MARGIN_NANOS, TickPhase.MARGIN_NANOS + 2 * MS);
        // settled: it stays
        assertThat(settle(phase, grid, next, 4 * MS, 5)).isEqualTo(next);
    }

    @Test
    void itTakesTheShorterWayRoundThePeriod() {
        long grid = 0;
        TickPhase phase = new TickPhase(grid);
        for (int i = 0; i < 400; i++) {
            phase.arrived(16 * MS);
        }
        assertThat(phase.adjust(grid + 100 * P + 2 * MS)).isEqualTo(-TickPhase.MAX_STEP_NANOS); // 2 ms -> 0 ms (= 20)
    }

    @Test
    void framesSpreadOverThePeriodOrTooFewLeaveTheTickWhereItIs() {
        long grid = 0;
        TickPhase phase = new TickPhase(grid);
        for (int i = 0; i < 2000; i++) {
            phase.arrived(i * (P / 2000));
        }
        assertThat(phase.adjust(7 * MS)).isZero();
        for (int i = 0; i < TickPhase.MIN_ARRIVALS - 1; i++) {
            phase.arrived(3 * MS);
        }
        assertThat(phase.adjust(15 * MS)).isZero();
    }
}
