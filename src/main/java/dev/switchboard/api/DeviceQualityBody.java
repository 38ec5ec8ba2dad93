package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Caller;
import dev.switchboard.core.DeviceQualityReport;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.graph.GraphWire;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a {@code logTeleconferenceDeviceQuality} body ({@code {"quality": teleconferenceDeviceQuality}}) into a
 * {@link DeviceQualityReport}, or a {@code 400 BadRequest} naming the property by its path
 * ({@code 'quality.mediaQualityList[1].localPort'}). Required, as Graph's CSDL declares them non-nullable:
 * {@code callChainId}, {@code participantId}, {@code mediaLegId} (GUIDs), {@code deviceName} (non-blank),
 * {@code deviceDescription} (a string, may be empty) and {@code mediaQualityList} (an array, may be empty). Types are
 * Graph's: {@code Edm.Duration} as an ISO 8601 duration ({@code PT0.03S}), {@code Edm.Int32}/{@code Int64} as integral
 * JSON numbers in range, {@code Edm.Double} as a number; the packet-loss percentages within 0..100 as documented.
 * Bounds (Switchboard's, Graph states none): strings at most {@value #MAX_TEXT} characters, addresses and durations
 * at most {@value #MAX_SHORT_TEXT}, at most {@value #MAX_ENTRIES} media quality entries. Unknown properties are
 * ignored and not kept, as elsewhere in the API. Stateless.
 */
final class DeviceQualityBody {
    static final int MAX_TEXT = 256;
    static final int MAX_SHORT_TEXT = 64;
    static final int MAX_ENTRIES = 16;

    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final String QUALITY_TYPE = "teleconferencedevicequality";
    /** The media quality types by their lower-case name, and whether they carry the video properties. */
    private static final Map<String, Boolean> MEDIA_TYPES = Map.of(
            "teleconferencedevicemediaquality", false,
            "teleconferencedeviceaudioquality", false,
            "teleconferencedevicevideoquality", true,
            "teleconferencedevicescreensharingquality", true);

    private enum Kind { DURATION, PERCENT, DOUBLE, INT32, INT64, TEXT }

    private record Property(String name, Kind kind) {
    }

    /** teleconferenceDeviceMediaQuality's properties (v1.0), in the documented order. */
    private static final List<Property> MEDIA = List.of(
            new Property("averageInboundJitter", Kind.DURATION),
            new Property("averageInboundPacketLossRateInPercentage", Kind.PERCENT),
            new Property("averageInboundRoundTripDelay", Kind.DURATION),
            new Property("averageOutboundJitter", Kind.DURATION),
            new Property("averageOutboundPacketLossRateInPercentage", Kind.PERCENT),
            new Property("averageOutboundRoundTripDelay", Kind.DURATION),
            new Property("channelIndex", Kind.INT32),
            new Property("inboundPackets", Kind.INT64),
            new Property("localIPAddress", Kind.TEXT),
            new Property("localPort", Kind.INT32),
            new Property("maximumInboundJitter", Kind.DURATION),
            new Property("maximumInboundPacketLossRateInPercentage", Kind.PERCENT),
            new Property("maximumInboundRoundTripDelay", Kind.DURATION),
            new Property("maximumOutboundJitter", Kind.DURATION),
            new Property("maximumOutboundPacketLossRateInPercentage", Kind.PERCENT),
            new Property("maximumOutboundRoundTripDelay", Kind.DURATION),
            new Property("mediaDuration", Kind.DURATION),
            new Property("networkLinkSpeedInBytes", Kind.INT64),
            new Property("outboundPackets", Kind.INT64),
            new Property("remoteIPAddress", Kind.TEXT),
            new Property("remotePort", Kind.INT32));
    /** teleconferenceDeviceVideoQuality's own (screen sharing inherits them). */
    private static final List<Property> VIDEO = List.of(
            new Property("averageInboundBitRate", Kind.DOUBLE),
            new Property("averageInboundFrameRate", Kind.DOUBLE),
            new Property("averageOutboundBitRate", Kind.DOUBLE),
            new Property("averageOutboundFrameRate", Kind.DOUBLE));

    private DeviceQualityBody() {
    }

    /**
     * @param body the request body (required by the caller)
     * @throws SwitchboardException BAD_REQUEST naming the first property that is missing, of the wrong type, malformed
     *                              or too long
     */
    static DeviceQualityReport parse(ObjectNode body, Caller from, Instant receivedAt) {
        ObjectNode q = Json.requiredObject(body, "quality");
        String type = odataType(q, "quality");
        if (type != null && !type.equals(QUALITY_TYPE)) {
            throw SwitchboardException.badRequest("'quality.@odata.type' must be #microsoft.graph.teleconferenceDeviceQuality.");
        }
        String callChainId = guid(q, "callChainId");
        String participantId = guid(q, "participantId");
        String mediaLegId = guid(q, "mediaLegId");
        String deviceName = text(q, "deviceName", "quality.deviceName", MAX_TEXT, true);
        if (deviceName.isBlank()) {
            throw SwitchboardException.badRequest("'quality.deviceName' is required.");
        }
        String deviceDescription = text(q, "deviceDescription", "quality.deviceDescription", MAX_TEXT, true);
        DeviceQualityReport.CloudService cloud = new DeviceQualityReport.CloudService(
                text(q, "cloudServiceDeploymentEnvironment", "quality.cloudServiceDeploymentEnvironment", MAX_TEXT, false),
                text(q, "cloudServiceDeploymentId", "quality.cloudServiceDeploymentId", MAX_TEXT, false),
                text(q, "cloudServiceInstanceName", "quality.cloudServiceInstanceName", MAX_TEXT, false),
                text(q, "cloudServiceName", "quality.cloudServiceName", MAX_TEXT, false));
        ArrayNode list = mediaQualityList(q);
        return new DeviceQualityReport(from, receivedAt, callChainId, participantId, mediaLegId, deviceName,
                deviceDescription, cloud, new String(GraphWire.bytes(list), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The validated entries, each with its known properties only, in the order received. */
    private static ArrayNode mediaQualityList(ObjectNode q) {
        String path = "quality.mediaQualityList";
        JsonNode n = q.get("mediaQualityList");
        if (n == null || n.isNull()) {
            throw SwitchboardException.badRequest("'" + path + "' is required: a list of teleconferenceDeviceMediaQuality.");
        }
        if (!n.isArray()) {
            throw SwitchboardException.badRequest("'" + path + "' must be an array.");
        }
        if (n.size() > MAX_ENTRIES) {
            throw SwitchboardException.badRequest("'" + path + "' has " + n.size() + " entries; at most " + MAX_ENTRIES
                    + " are accepted.");
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < n.size(); i++) {
            out.add(mediaQuality(n.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    private static ObjectNode mediaQuality(JsonNode n, String path) {
        if (!n.isObject()) {
            throw SwitchboardException.badRequest("'" + path + "' must be a teleconferenceDeviceMediaQuality object.");
        }
        ObjectNode entry = (ObjectNode) n;
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        String type = odataType(entry, path);
        boolean video = false;
        if (type != null) {
            Boolean hasVideo = MEDIA_TYPES.get(type);
            if (hasVideo == null) {
                throw SwitchboardException.badRequest("'" + path + ".@odata.type' must be #microsoft.graph."
                        + "teleconferenceDeviceAudioQuality, teleconferenceDeviceVideoQuality or "
                        + "teleconferenceDeviceScreenSharingQuality.");
            }
            video = hasVideo;
            kept.set("@odata.type", entry.get("@odata.type"));
        }
        copy(entry, MEDIA, path, kept);
        if (video) {
            copy(entry, VIDEO, path, kept);
        }
        return kept;
    }

    private static void copy(ObjectNode entry, List<Property> properties, String path, ObjectNode kept) {
        for (Property p : properties) {
            JsonNode v = entry.get(p.name());
            if (v == null || v.isNull()) {
                continue;
            }
            String at = path + "." + p.name();
            switch (p.kind()) {
                case DURATION -> duration(v, at);
                case PERCENT -> number(v, at, 100);
                case DOUBLE -> number(v, at, Double.MAX_VALUE);
                case INT32 -> integral(v, at, true);
                case INT64 -> integral(v, at, false);
                case TEXT -> {
                    if (!v.isTextual()) {
                        throw SwitchboardException.badRequest("'" + at + "' must be a string.");
                    }
                    Json.atMost(v.asText(), MAX_SHORT_TEXT, at);
                }
            }
            kept.set(p.name(), v);
        }
    }

    private static void duration(JsonNode v, String at) {
        String bad = "'" + at + "' must be a non-negative ISO 8601 duration such as PT0.03S.";
        if (!v.isTextual() || v.asText().length() > MAX_SHORT_TEXT) {
            throw SwitchboardException.badRequest(bad);
        }
        try {
            if (Duration.parse(v.asText()).isNegative()) {
                throw SwitchboardException.badRequest(bad);
            }
        } catch (DateTimeParseException e) {
            throw SwitchboardException.badRequest(bad);
        }
    }

    private static void number(JsonNode v, String at, double max) {
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0 || v.asDouble() > max) {
            throw SwitchboardException.badRequest("'" + at + "' must be a number"
                    + (max == 100 ? " from 0 to 100 (a percentage)." : " of at least 0."));
        }
    }

    private static void integral(JsonNode v, String at, boolean int32) {
        boolean fits = v.isIntegralNumber() && (int32 ? v.canConvertToInt() : v.canConvertToLong());
        if (!fits) {
            throw SwitchboardException.badRequest("'" + at + "' must be an integer (" + (int32 ? "Int32" : "Int64") + ").");
        }
    }

    private static String guid(ObjectNode q, String field) {
        String path = "quality." + field;
        String s = text(q, field, path, MAX_SHORT_TEXT, true);
        if (!GUID.matcher(s).matches()) {
            throw SwitchboardException.badRequest("'" + path + "' must be a GUID (8-4-4-4-12 hexadecimal digits).");
        }
        return s.toLowerCase(Locale.ROOT);
    }

    /** A string property; null when absent (or JSON null) and not required. */
    private static String text(ObjectNode o, String field, String path, int max, boolean required) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw SwitchboardException.badRequest("'" + path + "' is required.");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw SwitchboardException.badRequest("'" + path + "' must be a string.");
        }
        Json.atMost(n.asText(), max, path);
        return n.asText();
    }

    /** {@link Json#odataType}, with a wrong type of value named by its path. */
    private static String odataType(ObjectNode o, String path) {
        JsonNode t = o.get("@odata.type");
        if (t != null && !t.isNull() && !t.isTextual()) {
            throw SwitchboardException.badRequest("'" + path + ".@odata.type' must be a string.");
        }
        return Json.odataType(o);
    }
}
