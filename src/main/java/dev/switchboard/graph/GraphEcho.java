package dev.switchboard.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.CreateCallRequest;
import dev.switchboard.core.Echo;

/**
 * The parts of a create-call body Graph shows back on the call and the engine never reads: deep copies, never
 * mutated after construction (render with {@code deepCopy()}). Every part may be null.
 *
 * @param mediaConfig the request's mediaConfig without its blob
 * @param targets     the request's targets
 * @param meetingInfo the request's meetingInfo
 * @param chatInfo    the request's chatInfo
 * @param callOptions the request's callOptions
 */
public record GraphEcho(ObjectNode mediaConfig, ArrayNode targets, ObjectNode meetingInfo, ObjectNode chatInfo,
                        ObjectNode callOptions) implements Echo {
    static final GraphEcho NONE = new GraphEcho(null, null, null, null, null);

    /** The echo a request carries; nothing when it was made without one (engine tests). */
    static GraphEcho of(CreateCallRequest request) {
        return request.echo() instanceof GraphEcho e ? e : NONE;
    }
}
