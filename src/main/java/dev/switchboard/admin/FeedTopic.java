package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.graph.GraphWire;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One stream of the live feed that every dashboard looking at the same thing shares (the server's numbers, a scope's
 * calls list, one call, one call's levels): rendered once per period by the {@link FeedHub}'s ticker while anyone
 * subscribes, compared with the previous rendering entry by entry, and turned into one SSE frame holding only what
 * changed, written as the same bytes to every subscriber. A newcomer gets one {@code reset} frame of the whole state.
 *
 * <p>A rendering is an ordered map of entries (a call by id, a leg's reading by participant id, a number by name, a
 * call's field by name), or null when the subject is gone. Two shapes of frame carry the changes (docs/admin-api.md):
 * {@link Shape#ITEMS} {@code {"at","reset",…,"upsert":[entry…],"remove":[key…]}} (entries carry their own id) and
 * {@link Shape#FIELDS} {@code {"at","reset",…,"values":{key: entry, removed key: null}}}.
 *
 * <p>Not thread-safe: only the hub's ticker renders; subscriber lists are the hub's, under its lock.
 */
final class FeedTopic {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    enum Shape { ITEMS, FIELDS }

    final String key;
    final String event;
    /** Rendered every this many hub ticks (1 = {@link LiveFeed#LEVEL_HZ} times a second). */
    final int everyTicks;
    private final Shape shape;
    private final ObjectNode extra;
    private final Supplier<Map<String, JsonNode>> render;
    private final String goneCallId;

    /** The last rendering (null before the first and while gone). */
    private Map<String, JsonNode> last;
    private boolean rendered;
    private Instant lastAt;
    /** The reset frame of the current state, built on demand for newcomers and kept until the state changes. */
    private byte[] reset;

    /** Subscribers who got the reset frame and get every delta; newcomers who wait for theirs (the hub's lock). */
    final List<FeedHub.Viewer> active = new ArrayList<>();
    final List<FeedHub.Viewer> pending = new ArrayList<>();

    /**
     * @param extra      fields every frame carries besides {@code at}/{@code reset} (e.g. {@code callId})
     * @param render     the current entries, or null when the subject is gone; called on the ticker only
     * @param goneCallId when not null, a null rendering is sent as one {@code gone} event {@code {"callId"}}
     */
    FeedTopic(String key, String event, int everyTicks, Shape shape, ObjectNode extra,
              Supplier<Map<String, JsonNode>> render, String goneCallId) {
        this.key = key;
        this.event = event;
        this.everyTicks = everyTicks;
        this.shape = shape;
        this.extra = extra;
        this.render = render;
        this.goneCallId = goneCallId;
    }

    /** Renders now and returns the frame of what changed since the last rendering (null when nothing did). */
    byte[] render(Instant at) {
        Map<String, JsonNode> now = render.get();
        boolean first = !rendered;
        rendered = true;
        lastAt = at;
        if (now == null) {
            boolean wasGone = last == null && !first;
            last = null;
            if (wasGone) {
                return null;
            }
            reset = null;
            return goneFrame();
        }
        if (last == null) {
            last = now;
            reset = null;
            return resetFrame();
        }
        List<JsonNode> changed = new ArrayList<>();
        List<String> changedKeys = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : now.entrySet()) {
            JsonNode before = last.get(e.getKey());
            if (before == null || !before.equals(e.getValue())) {
                changed.add(e.getValue());
                changedKeys.add(e.getKey());
            }
        }
        List<String> removed = new ArrayList<>();
        for (String k : last.keySet()) {
            if (!now.containsKey(k)) {
                removed.add(k);
            }
        }
        last = now;
        if (changed.isEmpty() && removed.isEmpty()) {
            return null;
        }
        reset = null;
        return frame(false, changedKeys, changed, removed, at);
    }

    /** The whole current state as one frame (a {@code gone} event when the subject is gone); valid after a rendering. */
    byte[] resetFrame() {
        if (reset == null) {
            if (last == null) {
                reset = goneFrame();
            } else {
                reset = frame(true, new ArrayList<>(last.keySet()), new ArrayList<>(last.values()), List.of(), lastAt);
            }
        }
        return reset;
    }

    private byte[] goneFrame() {
        if (goneCallId == null) {
            return frame(true, List.of(), List.of(), List.of(), lastAt);
        }
        return sse("gone", F.objectNode().put("callId", goneCallId));
    }

    private byte[] frame(boolean isReset, List<String> keys, List<JsonNode> values, List<String> removed, Instant at) {
        ObjectNode data = F.objectNode();
        data.put("at", at.toString());
        data.put("reset", isReset);
        data.setAll(extra);
        if (shape == Shape.ITEMS) {
            data.putArray("upsert").addAll(values);
            ArrayNode gone = data.putArray("remove");
            removed.forEach(gone::add);
        } else {
            ObjectNode v = data.putObject("values");
            for (int i = 0; i < keys.size(); i++) {
                v.set(keys.get(i), values.get(i));
            }
            removed.forEach(v::putNull);
        }
        return sse(event, data);
    }

    static LinkedHashMap<String, JsonNode> fields(ObjectNode object) {
        LinkedHashMap<String, JsonNode> out = new LinkedHashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** One Server-Sent Event: {@code event: name}, one {@code data:} line of JSON, a blank line. */
    static byte[] sse(String event, JsonNode data) {
        byte[] head = ("event: " + event + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
        byte[] json = GraphWire.bytes(data);
        byte[] out = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(json, 0, out, head.length, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }
}
