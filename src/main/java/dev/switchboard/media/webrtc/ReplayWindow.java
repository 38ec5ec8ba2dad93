package dev.switchboard.media.webrtc;

/**
 * The 64-packet sliding replay window of RFC 3711 §3.3.2 over packet indexes (48-bit SRTP or 31-bit SRTCP).
 * Check with {@link #isReplay} before authenticating, {@link #accept} only after the tag verified. Not
 * thread-safe: owned by the packet thread of one leg.
 */
final class ReplayWindow {
    static final int SIZE = 64;

    private long highest = -1;
    private long seen; // bit i set: index highest - i was accepted

    /** True if {@code index} was accepted before or is too old to tell (64 or more behind the highest). */
    boolean isReplay(long index) {
        if (highest < 0 || index > highest) {
            return false;
        }
        long behind = highest - index;
        return behind >= SIZE || (seen >>> behind & 1L) != 0;
    }

    /** Records an authenticated packet's index. */
    void accept(long index) {
        if (index > highest) {
            long shift = index - highest;
            seen = highest < 0 || shift >= SIZE ? 1L : seen << shift | 1L;
            highest = index;
        } else {
            seen |= 1L << (highest - index);
        }
    }

    /** Forgets every index. */
    void reset() {
        highest = -1;
        seen = 0;
    }

    long highest() {
        return highest;
    }
}
