package dev.switchboard.client;

import java.util.Map;

/**
 * Where the roster stream's {@code levels} messages come from: the audio level of each participant of a call, read
 * from what the media path already counts (no work per packet). {@link ParticipantLevels} in production, a map in
 * tests.
 */
@FunctionalInterface
public interface CallLevels {
    /**
     * The level of each participant with a media leg on this node, 0..1 of full scale (0 for silence, a muted leg, or
     * one that has had no audio mixed since the last reading); empty when the call is not live on this node.
     * Called by the {@code roster-levels} thread only; must not block on I/O.
     *
     * @param callId the call id the stream addressed
     */
    Map<String, Double> levels(String callId);
}
