package dev.switchboard.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.RosterUpdate;

/**
 * A {@link RosterUpdate} as JSON text, for cluster mode: the owner of a call publishes its roster changes through
 * Redis and answers other nodes' roster snapshots with it; every node's roster streams render the decoded values as
 * usual. Internal (nodes of one version), not a client-facing format. Thread-safe.
 */
public final class RosterUpdateCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private RosterUpdateCodec() {
    }

    public static String encode(RosterUpdate update) {
        try {
            return JSON.writeValueAsString(update);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a roster update did not serialize", e);
        }
    }

    /** @throws IllegalArgumentException when {@code text} is not an encoded update */
    public static RosterUpdate decode(String text) {
        try {
            return JSON.readValue(text, RosterUpdate.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a roster update: " + e.getOriginalMessage(), e);
        }
    }
}
