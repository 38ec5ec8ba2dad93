package dev.switchboard.media;

/**
 * A token bucket limiting how many packets one leg may feed into its jitter buffer: bursts of {@link #BURST},
 * then {@link #RATE_PER_SECOND} (three times a 20 ms stream), so a flooding peer only overflows its own budget.
 * Packet thread only; no allocation.
 */
final class PacketBudget {
    static final int BURST = 50;
    static final int RATE_PER_SECOND = 150;

    private long tokens = BURST;
    private long refilledAtNanos;

    /** Takes one token at {@code now} ({@link System#nanoTime()}); false when the budget is spent. */
    boolean take(long now) {
        if (refilledAtNanos == 0) {
            refilledAtNanos = now;
        }
        long refill = (now - refilledAtNanos) * RATE_PER_SECOND / 1_000_000_000L;
        if (refill > 0) {
            tokens = Math.min(BURST, tokens + refill);
            refilledAtNanos += refill * 1_000_000_000L / RATE_PER_SECOND;
        }
        if (tokens <= 0) {
            return false;
        }
        tokens--;
        return true;
    }
}
