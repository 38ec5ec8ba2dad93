package dev.switchboard.client;

import java.time.Duration;

/**
 * Limits that keep roster streams from hurting the server (see {@code docs/roster-stream.md}).
 *
 * @param maxQueuedBytes    roster bytes one stream may hold unwritten (the message being written plus the newest one
 *                          waiting); a stream over it is closed with 1008. Must hold two roster messages.
 * @param stallTimeout      how long one write may stay unfinished (the reader takes nothing) before the stream is
 *                          closed with 1008
 * @param maxPerUserPerCall roster streams one user may hold open on one call, and ring streams one user may hold
 *                          open; more are refused with 429
 * @param maxPerCall        roster streams one call may have open; more are refused with 429
 */
public record RosterStreamSettings(long maxQueuedBytes, Duration stallTimeout, int maxPerUserPerCall, int maxPerCall) {
    public static final RosterStreamSettings DEFAULTS = new RosterStreamSettings(1024 * 1024, Duration.ofSeconds(10), 4, 1000);

    public RosterStreamSettings {
        if (maxQueuedBytes < 1024) {
            throw new IllegalArgumentException("roster max queued bytes must be at least 1024, was " + maxQueuedBytes);
        }
        if (stallTimeout == null || stallTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("roster stall timeout must be at least 100 ms, was " + stallTimeout);
        }
        if (maxPerUserPerCall < 1 || maxPerCall < 1) {
            throw new IllegalArgumentException("roster stream limits must be positive, were " + maxPerUserPerCall
                    + " per user and " + maxPerCall + " per call");
        }
    }

    public RosterStreamSettings withLimits(int perUserPerCall, int perCall) {
        return new RosterStreamSettings(maxQueuedBytes, stallTimeout, perUserPerCall, perCall);
    }

    public RosterStreamSettings withStallTimeout(Duration timeout) {
        return new RosterStreamSettings(maxQueuedBytes, timeout, maxPerUserPerCall, maxPerCall);
    }

    public RosterStreamSettings withMaxQueuedBytes(long bytes) {
        return new RosterStreamSettings(bytes, stallTimeout, maxPerUserPerCall, maxPerCall);
    }
}
