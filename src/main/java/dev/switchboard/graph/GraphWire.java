package dev.switchboard.graph;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one {@link ObjectMapper} for Graph's wire format (request bodies, responses, errors, notifications, roster
 * messages). Tuned with a shared buffer pool instead of Jackson's per-thread one: requests run on virtual threads,
 * where a thread-local pool never gets reused and every request would allocate fresh 8-16 KiB buffers.
 * Thread-safe.
 */
public final class GraphWire {
    public static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build());

    private GraphWire() {
    }

    /** The UTF-8 bytes of a tree (a tree always serialises). */
    public static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
