package dev.switchboard.admin;

import dev.switchboard.media.FreshLevels;
import dev.switchboard.media.LegSample;
import dev.switchboard.media.RtpMediaEngine;

import java.util.Optional;

/**
 * Reads the legs of the calls a dashboard looks at, only when asked (the live feed asks at most
 * {@link LiveFeed#LEVEL_HZ} times a second while someone watches): counters, jitter-buffer depth, and a level taken
 * from the last frame the mixer decoded, shown as silence when the leg has had no frame mixed since the last reading
 * (muted, silent, or gone quiet). Nothing here runs on the packet path.
 *
 * <p>Thread-safe ({@link FreshLevels}).
 */
final class LegReadings {
    /** One leg as the dashboard shows it; {@code level} is 0..1 of full scale. */
    record Reading(LegSample sample, double level) {
    }

    private final RtpMediaEngine media;
    private final FreshLevels fresh = new FreshLevels();

    /** @param media the RTP media plane, or null when the server runs another engine (then no leg is read) */
    LegReadings(RtpMediaEngine media) {
        this.media = media;
    }

    /** The leg's sample without taking a reading (the level's "fresh since the last reading" is left alone). */
    Optional<LegSample> sample(String roomId, String participantId) {
        return media == null ? Optional.empty() : media.legSample(roomId, participantId);
    }

    /** A reading of the leg: its sample, and its level if a frame was mixed for it since the previous reading. */
    Optional<Reading> read(String roomId, String participantId) {
        if (media == null) {
            return Optional.empty();
        }
        return media.legSample(roomId, participantId).map(s -> new Reading(s, fresh.level(roomId, participantId, s)));
    }
}
