package dev.switchboard.core;

import java.net.URI;
import java.util.function.LongConsumer;

/**
 * Downloads a prompt's bytes (the server provides it: an HTTP client under the callback address policy, bounded in
 * size and time). Called on IVR worker threads, never on a request or mixer thread.
 */
@FunctionalInterface
public interface PromptFetcher {
    /**
     * @param tenantId the tenant of the call the prompt is for: downloads in flight are shared fairly between tenants
     * @param hold told the size of every array the download keeps, before it is made; it throws to refuse (the
     *             download stops and its exception is thrown here)
     * @throws dev.switchboard.error.SwitchboardException with a message for the bot when the URI cannot be used
     */
    byte[] fetch(String tenantId, URI uri, LongConsumer hold);
}
