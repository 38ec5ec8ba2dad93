package dev.switchboard.core;

import java.time.Duration;

/**
 * Limits of service-hosted media (docs/ivr-media.md).
 *
 * @param promptCacheBytes   decoded prompts kept by resourceId (least recently used evicted past it)
 * @param recordingTtl       how long a recording can be downloaded before it is deleted
 * @param recordingMaxBytes  disk used by all recordings at once; a recording past it fails with a clear message
 */
public record IvrSettings(long promptCacheBytes, Duration recordingTtl, long recordingMaxBytes) {
    /** 64 MB of decoded prompts (about 11 minutes at 48 kHz), recordings kept 1 hour, 512 MB of recordings. */
    public static final IvrSettings DEFAULTS = new IvrSettings(64L << 20, Duration.ofHours(1), 512L << 20);
}
