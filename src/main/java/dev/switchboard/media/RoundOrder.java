package dev.switchboard.media;

import java.util.Arrays;

/**
 * The order of a mixer thread's round: cheapest room first. A room's packets leave when the round reaches it, so
 * every room waits for the ticks of the rooms before it. Shortest first minimises that wait summed over the rooms: a
 * PCMU room of 3 (~30 µs a tick) no longer waits ~10 ms behind 17 Opus rooms at complexity 4 that happened to open
 * before it, and an Opus room gives up at most the few cheap ticks moved ahead of it (docs/media.md#mixer).
 *
 * <p>A room moves ahead of another only when that one is <em>clearly</em> costlier ({@link #MARGIN_PERCENT} more
 * plus {@link #MARGIN_NANOS}), so rooms of about the same cost keep their places and their listeners see no step in
 * the packets' timing from a reorder; a room not yet ticked counts as free. Once a second on the mixer thread
 * ({@link MixerThread}); allocates only when something moves.
 */
final class RoundOrder {
    static final int MARGIN_PERCENT = 25;
    static final long MARGIN_NANOS = 20_000;

    private RoundOrder() {
    }

    /** The slots cheapest first, or {@code slots} itself when none is clearly costlier than the one after it. */
    static <R> TickSlot<R>[] cheapestFirst(TickSlot<R>[] slots) {
        int first = -1;
        for (int i = 1; i < slots.length; i++) {
            if (clearlyCostlier(slots[i - 1], slots[i])) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return slots;
        }
        TickSlot<R>[] sorted = Arrays.copyOf(slots, slots.length);
        for (int i = first; i < sorted.length; i++) { // insertion sort: stable, and the prefix before `first` is in order
            TickSlot<R> moving = sorted[i];
            int j = i;
            while (j > 0 && clearlyCostlier(sorted[j - 1], moving)) {
                sorted[j] = sorted[j - 1];
                j--;
            }
            sorted[j] = moving;
        }
        return sorted;
    }

    static boolean clearlyCostlier(TickSlot<?> a, TickSlot<?> b) {
        long cb = Math.max(0, b.costNanos());
        return a.costNanos() > cb + cb * MARGIN_PERCENT / 100 + MARGIN_NANOS;
    }
}
