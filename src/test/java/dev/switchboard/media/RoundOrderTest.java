package dev.switchboard.media;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RoundOrderTest {
    private static final long US = 1_000L;

    @SuppressWarnings("unchecked")
    private static TickSlot<String>[] slots(Object... nameAndCostMicros) {
        TickSlot<String>[] r = new TickSlot[nameAndCostMicros.length / 2];
        for (int i = 0; i < r.length; i++) {
            r[i] = new TickSlot<>((String) nameAndCostMicros[2 * i]);
            long cost = ((Number) nameAndCostMicros[2 * i + 1]).longValue();
            if (cost >= 0) {
                r[i].observe(cost * US);
            }
        }
        return r;
    }

    private static List<String> names(TickSlot<String>[] slots) {
        return Arrays.stream(slots).map(TickSlot::room).toList();
    }

    @Test
    void aCheapRoomBehindExpensiveOnesGoesFirstAndTheRestKeepTheirOrder() {
        TickSlot<String>[] round = slots("opus-a", 640, "opus-b", 660, "opus-c", 610, "pcmu-probe", 30, "opus-d", 650);
        TickSlot<String>[] sorted = RoundOrder.cheapestFirst(round);
        assertThat(names(sorted)).containsExactly("pcmu-probe", "opus-a", "opus-b", "opus-c", "opus-d");
        assertThat(names(round)).as("the thread's array is replaced, never changed in place")
                .containsExactly("opus-a", "opus-b", "opus-c", "pcmu-probe", "opus-d");
    }

    @Test
    void roomsOfAboutTheSameCostKeepTheirPlacesAndNothingIsCopied() {
        TickSlot<String>[] round = slots("a", 100, "b", 90, "c", 85, "d", 101, "e", 70);
        assertThat(RoundOrder.cheapestFirst(round)).isSameAs(round);
        TickSlot<String>[] tiny = slots("x", 15, "y", 1, "z", -1);
        assertThat(RoundOrder.cheapestFirst(tiny)).as("within the 20 µs margin").isSameAs(tiny);
    }

    @Test
    void roomsOrderedByClearlyDifferentCostsEndCheapestFirst() {
        TickSlot<String>[] round = slots("big", 5000, "mid", 900, "new", -1, "small", 120, "idle", 1);
        assertThat(names(RoundOrder.cheapestFirst(round))).containsExactly("new", "idle", "small", "mid", "big");
        TickSlot<String>[] sorted = RoundOrder.cheapestFirst(round);
        assertThat(RoundOrder.cheapestFirst(sorted)).as("stable once ordered").isSameAs(sorted);
    }

    @Test
    void aSlotsCostFollowsItsRecentTicks() {
        TickSlot<String> slot = new TickSlot<>("r");
        assertThat(slot.costNanos()).isEqualTo(-1);
        slot.observe(800 * US);
        assertThat(slot.costNanos()).isEqualTo(800 * US);
        for (int i = 0; i < 60; i++) {
            slot.observe(40 * US); // the room went quiet
        }
        assertThat(slot.costNanos()).isBetween(40 * US, 45 * US);
        slot.observe(10_000 * US); // one tick preempted: a step of an eighth, not a jump
        assertThat(slot.costNanos()).isBetween(1_200 * US, 1_300 * US);
    }

    @Test
    void aNewRoomGoesToTheThreadWhoseRoundsTakeClearlyLessTimeElseToFewerRooms() {
        long ms = 1_000_000L;
        assertThat(MixerThread.lighter(ms / 10, 40, 9 * ms, 3)).as("40 idle rooms against 3 busy ones").isTrue();
        assertThat(MixerThread.lighter(9 * ms, 3, ms / 10, 40)).isFalse();
        assertThat(MixerThread.lighter(20 * US, 4, 60 * US, 5)).as("about as busy: by count").isTrue();
        assertThat(MixerThread.lighter(60 * US, 5, 20 * US, 4)).isFalse();
        assertThat(MixerThread.lighter(0, 3, 0, 3)).isFalse();
    }
}
