package dev.switchboard.core;

import java.time.Duration;

/**
 * Limits of service-hosted media (docs/ivr-media.md).
 *
 * @param promptCacheBytes   decoded prompts kept by resourceId (least recently used evicted past it)
 * @param recordingTtl       how long a recording can be downloaded before it is deleted
 * @param recordingMaxBytes  disk used by all recordings at once; a recording past it fails with a clear message
 * @param promptMemoryBytes  prompt audio in memory at once, across calls: downloads and decoded clips (cached,
 *                           queued or playing); a prompt past it fails with a clear message
 */
public record IvrSettings(long promptCacheBytes, Duration recordingTtl, long recordingMaxBytes, long promptMemoryBytes) {
    /**
     * 64 MiB of cached prompts (about 35 minutes at 16 kHz), recordings kept 1 hour, 512 MiB of recordings, and prompt
     * memory a quarter of the heap's maximum, at least 32 MiB and at most 1 GiB (64 MiB at the recommended
     * {@code -Xmx256m}).
     */
    /** The recordings' disk by default, in MiB ({@code --recording-storage auto}). */
    public static final int DEFAULT_RECORDING_MIB = 512;
    public static final IvrSettings DEFAULTS = new IvrSettings(64L << 20, Duration.ofHours(1), (long) DEFAULT_RECORDING_MIB << 20,
            Math.clamp(Runtime.getRuntime().maxMemory() / 4, 32L << 20, 1L << 30));

    public IvrSettings withPromptMemory(long bytes) {
        return new IvrSettings(promptCacheBytes, recordingTtl, recordingMaxBytes, bytes);
    }

    public IvrSettings withRecordingMaxBytes(long bytes) {
        return new IvrSettings(promptCacheBytes, recordingTtl, bytes, promptMemoryBytes);
    }
}
