package dev.switchboard.core;

import java.net.URI;

/**
 * Downloads a prompt's bytes (the server provides it: an HTTP client under the callback address policy, bounded in
 * size and time). Called on IVR worker threads, never on a request or mixer thread.
 */
@FunctionalInterface
public interface PromptFetcher {
    /** @throws dev.switchboard.error.SwitchboardException with a message for the bot when the URI cannot be used */
    byte[] fetch(URI uri);
}
