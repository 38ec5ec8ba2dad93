package dev.switchboard.graph;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one {@link ObjectMapper} for Graph's wire format (request bodies, responses, errors, notifications, roster
 * messages). Tuned with a shared buffer pool instead of Jackson's per-thread one: requests run on virtual threads,
 * where a thread-local pool never gets reused and every request would allocate fresh 8-16 KiB buffers. Reads are
 * strict (request bodies are untrusted): nesting and number length are bounded, and content after the JSON value is
 * an error. Thread-safe.
 */
public final class GraphWire {
    /** Deeper than any Graph body (they nest a handful of levels); deeper input is refused before it costs much. */
    public static final int MAX_NESTING_DEPTH = 64;
    /** Digits in one JSON number: Graph's numbers are counts and timeouts. */
    public static final int MAX_NUMBER_LENGTH = 100;
    public static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH).maxNumberLength(MAX_NUMBER_LENGTH).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

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
