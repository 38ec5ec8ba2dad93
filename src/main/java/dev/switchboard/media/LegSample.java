package dev.switchboard.media;

/**
 * What a watcher (the dashboard) samples of a leg a few times a second, on its own thread: the leg's counters plus
 * two readings the packet path already keeps, taken without adding any work per packet.
 *
 * @param stats          the leg's counters ({@link LegStats})
 * @param webRtc         true for a browser's WebRTC leg, false for a plain RTP leg
 * @param levelPeak      the peak absolute sample (0..32767) of the last frame the mixer decoded for this leg; a torn
 *                       read is possible (the mixer may be writing the frame) and harmless for a meter
 * @param jitterBuffered frames waiting in the leg's jitter buffer now
 */
public record LegSample(LegStats stats, boolean webRtc, int levelPeak, int jitterBuffered) {
}
