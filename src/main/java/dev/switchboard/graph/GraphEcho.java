package dev.switchboard.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.CreateCallRequest;
import dev.switchboard.core.Echo;

import java.io.IOException;

/**
 * The parts of a create-call (or answer) body Graph shows back on the call and the engine never reads, kept for the
 * call's life as the compact UTF-8 JSON they were sent in, not as a tree: a tree of small values takes ten times their
 * text, and the bot chooses them. {@link #MAX_BYTES} bounds what one call keeps (the request checks {@link #bytes()}).
 * Immutable; {@link #parts()} reads a fresh copy for each rendering.
 */
public final class GraphEcho implements Echo {
    /**
     * The most a call keeps of what its bot sent to be shown back (16 KiB; a plain call's is a few hundred bytes, 100
     * targets with names or 100 prefetched prompts about 15 KiB): with an idle call's ~11 KiB, an SDP offer's 16 KiB
     * and its share of operations, a call stays within what {@code --max-calls auto} budgets for each
     * ({@code CallSettings.HEAP_PER_CALL}).
     */
    public static final int MAX_BYTES = 16 * 1024;
    static final GraphEcho NONE = new GraphEcho(new byte[] {'{', '}'});

    private final byte[] json;

    private GraphEcho(byte[] json) {
        this.json = json;
    }

    /**
     * The echo of these parts (each may be null; they are serialised now, so later changes to them do not show).
     *
     * @param mediaConfig the request's mediaConfig without its blob
     */
    public static GraphEcho of(ObjectNode mediaConfig, ArrayNode targets, ObjectNode meetingInfo, ObjectNode chatInfo,
                               ObjectNode callOptions) {
        ObjectNode all = JsonNodeFactory.instance.objectNode();
        put(all, "mediaConfig", mediaConfig);
        put(all, "targets", targets);
        put(all, "meetingInfo", meetingInfo);
        put(all, "chatInfo", chatInfo);
        put(all, "callOptions", callOptions);
        return new GraphEcho(GraphWire.bytes(all));
    }

    private static void put(ObjectNode all, String name, JsonNode part) {
        if (part != null) {
            all.set(name, part);
        }
    }

    /** Its size as kept: the bound {@link #MAX_BYTES} applies to it. */
    public int bytes() {
        return json.length;
    }

    /** A fresh copy of the parts, each null when the request had none. */
    Parts parts() {
        try {
            ObjectNode all = (ObjectNode) GraphWire.JSON.readTree(json);
            return new Parts((ObjectNode) all.get("mediaConfig"), (ArrayNode) all.get("targets"),
                    (ObjectNode) all.get("meetingInfo"), (ObjectNode) all.get("chatInfo"),
                    (ObjectNode) all.get("callOptions"));
        } catch (IOException e) {
            throw new IllegalStateException("an echo is JSON this class wrote", e);
        }
    }

    /** The echo a request carries; nothing when it was made without one (engine tests). */
    static GraphEcho of(CreateCallRequest request) {
        return request.echo() instanceof GraphEcho e ? e : NONE;
    }

    /** One reading of an echo: every part a fresh tree, or null. */
    record Parts(ObjectNode mediaConfig, ArrayNode targets, ObjectNode meetingInfo, ObjectNode chatInfo,
                 ObjectNode callOptions) {
    }
}
