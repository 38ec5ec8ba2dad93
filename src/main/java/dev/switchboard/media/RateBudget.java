package dev.switchboard.media;

/**
 * A token bucket limiting what one leg's peer may make the server do: bursts of {@code burst}, then
 * {@code ratePerSecond}, so a flooding peer only overflows its own budget. Two kinds, one per leg each:
 * {@link #packets()} into its jitter buffer and {@link #keyPresses()} passed on to the bots.
 * Packet thread only; no allocation.
 */
final class RateBudget {
    /** Packets into the jitter buffer: bursts of 50, then three times a 20 ms stream. */
    static final int PACKET_BURST = 50;
    static final int PACKETS_PER_SECOND = 150;
    /**
     * DTMF key presses: bursts of 20, then 25 a second. A digit lasts at least 40 ms with 40 ms between two
     * (ITU-T Q.24), so a keypad or an auto-dialer makes at most 12.5 a second; each key press costs a webhook.
     */
    static final int KEY_PRESS_BURST = 20;
    static final int KEY_PRESSES_PER_SECOND = 25;

    private final int burst;
    private final int ratePerSecond;
    private long tokens;
    private long refilledAtNanos;

    private RateBudget(int burst, int ratePerSecond) {
        this.burst = burst;
        this.ratePerSecond = ratePerSecond;
        this.tokens = burst;
    }

    static RateBudget packets() {
        return new RateBudget(PACKET_BURST, PACKETS_PER_SECOND);
    }

    static RateBudget keyPresses() {
        return new RateBudget(KEY_PRESS_BURST, KEY_PRESSES_PER_SECOND);
    }

    /** Takes one token at {@code now} ({@link System#nanoTime()}); false when the budget is spent. */
    boolean take(long now) {
        if (refilledAtNanos == 0) {
            refilledAtNanos = now;
        }
        long refill = (now - refilledAtNanos) * ratePerSecond / 1_000_000_000L;
        if (refill > 0) {
            tokens = Math.min(burst, tokens + refill);
            refilledAtNanos += refill * 1_000_000_000L / ratePerSecond;
        }
        if (tokens <= 0) {
            return false;
        }
        tokens--;
        return true;
    }
}
