package dev.switchboard.media;

/**
 * One room's place in its mixer thread's round, with what its tick has recently cost (an average over the last
 * ~8 ticks, in nanoseconds of wall time on the mixer thread). {@link RoundOrder} orders a round by it.
 *
 * <p>Threads: {@link #observe} and {@link #costNanos} on the owning mixer thread only.
 *
 * @param <R> the room (an {@link RtpRoom} in the server; anything in a test)
 */
final class TickSlot<R> {
    private final R room;
    private long costNanos = -1;

    TickSlot(R room) {
        this.room = room;
    }

    R room() {
        return room;
    }

    /** One tick of the room took {@code nanos}. */
    void observe(long nanos) {
        costNanos = costNanos < 0 ? nanos : costNanos + ((nanos - costNanos) >> 3);
    }

    /** The recent cost of a tick, or -1 before the first. */
    long costNanos() {
        return costNanos;
    }
}
