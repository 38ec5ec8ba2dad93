package dev.switchboard.core;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Opaque ids: lower-case GUIDs as in Graph's examples, and numeric meeting ids. */
final class Ids {
    private Ids() {
    }

    static String next() {
        return UUID.randomUUID().toString();
    }

    /** A 10-digit meeting id (joinMeetingId). */
    static String meetingId() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, 10_000_000_000L));
    }
}
