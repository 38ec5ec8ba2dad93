package dev.switchboard.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.net.URI;
import java.time.Duration;

/** Builders of rendered commsNotification items as the graph renderer makes them, each carrying a test marker. */
final class Notifications {
    static final String TENANT = "11111111-2222-3333-4444-555555555555";
    static final String APP = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Notifications() {
    }

    /** Fast retries so outage tests take seconds: 50 ms first retry, 200 ms cap, 2 s request timeout. */
    static NotifierSettings fast() {
        return NotifierSettings.defaults().withRetryDelays(Duration.ofMillis(50), Duration.ofMillis(200))
                .withRequestTimeout(Duration.ofSeconds(2)).withDrainTimeout(Duration.ofSeconds(5));
    }

    static OutboundNotification roster(String callId, URI callback, int marker) {
        ObjectNode item = JSON.createObjectNode();
        item.put("@odata.type", "#microsoft.graph.commsNotification");
        item.put("changeType", "updated");
        item.put("resourceUrl", "/communications/calls/" + callId + "/participants");
        item.put("testMarker", marker);
        ArrayNode data = item.putArray("resourceData");
        ObjectNode p = data.addObject();
        p.put("@odata.type", "#microsoft.graph.participant");
        p.put("id", "participant-1");
        p.put("isMuted", marker % 2 == 0);
        p.put("rosterSequenceNumber", marker);
        return rendered(callId, callback, NotificationKind.ROSTER, item);
    }

    static OutboundNotification callState(String callId, URI callback, int marker, String state) {
        ObjectNode item = JSON.createObjectNode();
        item.put("@odata.type", "#microsoft.graph.commsNotification");
        item.put("changeType", state.equals("terminated") ? "deleted" : "updated");
        item.put("resourceUrl", "/communications/calls/" + callId);
        item.put("testMarker", marker);
        ObjectNode call = item.putObject("resourceData");
        call.put("@odata.type", "#microsoft.graph.call");
        call.put("id", callId);
        call.put("state", state);
        return rendered(callId, callback, NotificationKind.CALL_STATE, item);
    }

    static OutboundNotification operation(String callId, URI callback, int marker) {
        ObjectNode item = JSON.createObjectNode();
        item.put("@odata.type", "#microsoft.graph.commsNotification"); // the renderer's job, not the notifier's
        item.put("changeType", "deleted");
        item.put("resourceUrl", "/communications/calls/" + callId + "/operations/op-" + marker);
        item.put("testMarker", marker);
        ObjectNode op = item.putObject("resourceData");
        op.put("@odata.type", "#microsoft.graph.inviteParticipantsOperation");
        op.put("status", "completed");
        return rendered(callId, callback, NotificationKind.OPERATION, item);
    }

    /** As the renderer hands it over: the item's bytes, its resourceUrl, and whether it is the call's last. */
    static OutboundNotification rendered(String callId, URI callback, NotificationKind kind, ObjectNode item) {
        boolean last = kind == NotificationKind.CALL_STATE && item.path("changeType").asText().equals("deleted");
        try {
            return new OutboundNotification(callId, TENANT, APP, callback, kind, item.path("resourceUrl").asText(), last,
                    JSON.writeValueAsBytes(item));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The item of {@code n}, parsed back. */
    static com.fasterxml.jackson.databind.JsonNode item(OutboundNotification n) {
        try {
            return JSON.readTree(n.commsNotification());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static double giveUps(MeterRegistry meters, String reason) {
        Counter c = meters.find("switchboard.notify.giveups").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    static double retries(MeterRegistry meters, String reason) {
        Counter c = meters.find("switchboard.notify.retries").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    static double count(MeterRegistry meters, String name) {
        Counter c = meters.find(name).counter();
        return c == null ? 0 : c.count();
    }
}
