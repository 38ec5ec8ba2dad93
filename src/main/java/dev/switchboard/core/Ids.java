package dev.switchboard.core;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Opaque ids: lower-case GUIDs as in Graph's examples, and numeric meeting ids. */
final class Ids {
    private Ids() {
    }

    /**
     * A random (version 4) GUID. Ids are not secrets (every lookup is checked against the caller's app and tenant),
     * so the fast per-thread generator is used instead of SecureRandom, whose lock showed up under load.
     */
    static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** A 10-digit meeting id (joinMeetingId). */
    static String meetingId() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, 10_000_000_000L));
    }
}
