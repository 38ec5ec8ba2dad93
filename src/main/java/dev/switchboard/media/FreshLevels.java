package dev.switchboard.media;

import java.util.HashMap;
import java.util.Map;

/**
 * A leg's level as a reader shows it: the peak of the last frame the mixer decoded for the leg, as 0..1 of full
 * scale, or 0 when the leg has had no frame mixed since this reader's previous reading (server-muted, self-muted,
 * silent, or gone). Each reader (the roster stream's levels, the dashboard's feed) keeps its own instance, so one
 * reader's readings do not make the other's look stale. Nothing here runs on the packet path.
 *
 * <p>Thread-safe: one monitor for the previous readings, held for a map update only. The map is bounded by the legs
 * looked at and cleared when it grows past {@link #MAX_REMEMBERED} (the next reading of each leg then counts as
 * its first).
 */
public final class FreshLevels {
    static final int MAX_REMEMBERED = 10_000;

    /** room + participant → frames mixed at the previous reading. */
    private final Map<String, Long> lastMixed = new HashMap<>();

    /** Takes a reading of the leg whose sample is {@code s}: its level if a frame was mixed for it since the last one. */
    public double level(String roomId, String participantId, LegSample s) {
        long mixed = s.stats().framesMixed();
        Long before;
        synchronized (this) {
            if (lastMixed.size() > MAX_REMEMBERED) {
                lastMixed.clear();
            }
            before = lastMixed.put(roomId + "\n" + participantId, mixed);
        }
        boolean fresh = before == null ? mixed > 0 : mixed > before;
        return fresh ? s.levelPeak() / 32767.0 : 0.0;
    }
}
