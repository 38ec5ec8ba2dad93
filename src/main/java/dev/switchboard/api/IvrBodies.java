package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.MediaPrompt;
import dev.switchboard.core.RecordRequest;
import dev.switchboard.error.SwitchboardException;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the bodies of the service-hosted media actions into core's values: {@code prompts} / {@code customPrompt}
 * ({@code mediaPrompt} with {@code mediaInfo.uri} and {@code resourceId}) and recordResponse's parameters. Limits
 * (counts, seconds) are the engine's, the lengths of {@code uri} and {@code resourceId} are checked here; a wrong shape
 * is a 400 naming the field. Stateless.
 */
final class IvrBodies {
    /**
     * The longest {@code mediaInfo.resourceId}, in characters. Graph documents none; a resourceId is a key of the
     * prompt cache, kept as long as its prompt is cached, so it is bounded: 256 is room for a GUID, a version and a
     * language several times over.
     */
    static final int MAX_RESOURCE_ID = 256;
    /**
     * The longest {@code mediaInfo.uri}, in characters. Graph documents none; 2,048 is the length browsers and most
     * servers have long accepted, ample for a signed storage URL.
     */
    static final int MAX_URI = 2048;

    private IvrBodies() {
    }

    /** {@code prompts} of playPrompt: required. */
    static List<MediaPrompt> prompts(ObjectNode body) {
        if (body == null || !body.has("prompts")) {
            throw SwitchboardException.badRequest("prompts is required: a list of mediaPrompt with mediaInfo.uri.");
        }
        return promptList(body);
    }

    static List<MediaPrompt> promptList(ObjectNode body) {
        ArrayNode list = Json.optionalArray(body, "prompts");
        List<MediaPrompt> out = new ArrayList<>();
        if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                out.add(prompt(list.get(i), "prompts[" + i + "]"));
            }
        }
        return out;
    }

    /** One {@code mediaPrompt}. */
    static MediaPrompt prompt(JsonNode node, String path) {
        if (!(node instanceof ObjectNode o)) {
            throw SwitchboardException.badRequest(path + " must be a mediaPrompt object.");
        }
        String type = Json.odataType(o);
        if (type != null && !type.equalsIgnoreCase("mediaPrompt")) {
            throw SwitchboardException.badRequest(path + " must be a #microsoft.graph.mediaPrompt, not " + o.get("@odata.type") + ".");
        }
        JsonNode info = o.get("mediaInfo");
        if (!(info instanceof ObjectNode mediaInfo)) {
            throw SwitchboardException.badRequest(path + ".mediaInfo is required.");
        }
        return mediaInfo(mediaInfo, path + ".mediaInfo");
    }

    /**
     * One {@code mediaInfo} ({@code path} names it in a 400): {@code uri} required, at most {@value #MAX_URI}
     * characters; {@code resourceId} optional, at most {@value #MAX_RESOURCE_ID}.
     */
    private static MediaPrompt mediaInfo(ObjectNode mediaInfo, String path) {
        JsonNode uri = mediaInfo.get("uri");
        if (uri != null && !uri.isNull() && !uri.isTextual()) {
            throw SwitchboardException.badRequest(path + ".uri must be a string: an http or https URL of a WAV file.");
        }
        if (uri == null || !uri.isTextual() || uri.asText().isBlank()) {
            throw SwitchboardException.badRequest(path + ".uri is required (an http or https URL of a WAV file).");
        }
        String text = uri.asText().trim();
        Json.atMost(text, MAX_URI, path + ".uri");
        URI parsed;
        try {
            parsed = new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw SwitchboardException.badRequest(path + ".uri is not a valid URI.");
        }
        JsonNode id = mediaInfo.get("resourceId");
        if (id != null && !id.isNull() && !id.isTextual()) {
            throw SwitchboardException.badRequest(path + ".resourceId must be a string.");
        }
        if (id != null && id.isTextual()) {
            Json.atMost(id.asText(), MAX_RESOURCE_ID, path + ".resourceId");
        }
        return new MediaPrompt(parsed, id == null || id.isNull() ? null : id.asText());
    }

    /** The most {@code preFetchMedia} entries one create or answer takes. */
    static final int MAX_PREFETCH = 100;

    /**
     * {@code mediaConfig.preFetchMedia} of a create or answer body ({@code mediaInfo[]}: {@code uri}, {@code resourceId}),
     * or an empty list. A wrong shape, a missing or non-http(s) {@code uri}, or more than {@link #MAX_PREFETCH} entries is
     * a 400 before anything happens to the call.
     */
    static List<MediaPrompt> preFetchMedia(ObjectNode mediaConfig) {
        JsonNode list = mediaConfig == null ? null : mediaConfig.get("preFetchMedia");
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!(list instanceof ArrayNode array)) {
            throw SwitchboardException.badRequest("mediaConfig.preFetchMedia must be a list of mediaInfo.");
        }
        if (array.size() > MAX_PREFETCH) {
            throw SwitchboardException.badRequest("mediaConfig.preFetchMedia takes at most " + MAX_PREFETCH + " mediaInfo.");
        }
        List<MediaPrompt> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String path = "mediaConfig.preFetchMedia[" + i + "]";
            if (!(array.get(i) instanceof ObjectNode info)) {
                throw SwitchboardException.badRequest(path + " must be a mediaInfo object.");
            }
            MediaPrompt p = mediaInfo(info, path);
            String scheme = p.uri().getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw SwitchboardException.badRequest(path + ".uri must be an absolute http or https URL: '" + p.uri() + "'.");
            }
            out.add(p);
        }
        return out;
    }

    /** {@code customPrompt} of startHoldMusic, or null. */
    static MediaPrompt customPrompt(ObjectNode body) {
        JsonNode p = body == null ? null : body.get("customPrompt");
        return p == null || p.isNull() ? null : prompt(p, "customPrompt");
    }

    static RecordRequest record(ObjectNode body, String downloadBase) {
        ObjectNode b = body == null ? GraphWireless.EMPTY : body;
        List<String> stops = new ArrayList<>();
        ArrayNode tones = Json.optionalArray(b, "stopTones");
        if (tones != null) {
            for (JsonNode t : tones) {
                if (!t.isTextual()) {
                    throw SwitchboardException.badRequest("stopTones must be a list of strings such as \"#\".");
                }
                stops.add(t.asText());
            }
        }
        return new RecordRequest(promptList(b), Json.optionalBoolean(b, "bargeInAllowed"),
                integer(b, "initialSilenceTimeoutInSeconds"), integer(b, "maxSilenceTimeoutInSeconds"),
                integer(b, "maxRecordDurationInSeconds"), b.has("playBeep") && !b.get("playBeep").isNull()
                        ? Json.optionalBoolean(b, "playBeep") : null,
                stops, GraphRequests.clientContext(body), downloadBase);
    }

    private static Integer integer(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw SwitchboardException.badRequest(field + " must be a whole number of seconds.");
        }
        return v.intValue();
    }

    /** An empty body to read defaults from. */
    private static final class GraphWireless {
        static final ObjectNode EMPTY = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }
}
