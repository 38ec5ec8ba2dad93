package dev.switchboard.core;

import java.net.URI;

/**
 * One {@code mediaPrompt}: the WAV at {@code uri}, cached under {@code resourceId} when one is given.
 *
 * @param uri        where the audio is fetched (http/https, under the callback address policy)
 * @param resourceId the bot's cache key, or null (then fetched on every play)
 */
public record MediaPrompt(URI uri, String resourceId) {
}
