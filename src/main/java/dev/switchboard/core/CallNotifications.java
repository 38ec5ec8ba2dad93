package dev.switchboard.core;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.notify.NotificationKind;
import dev.switchboard.notify.NotificationSink;
import dev.switchboard.notify.OutboundNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Turns engine events into {@code commsNotification} items (facts §6.3) for the bot's callback URI. Called
 * with the conference lock held, so a call's notifications reach the sink in the order they happened.
 */
final class CallNotifications {
    private static final Logger log = LoggerFactory.getLogger(CallNotifications.class);
    private final NotificationSink sink;

    CallNotifications(NotificationSink sink) {
        this.sink = sink;
    }

    /** {@code establishing}, {@code established}, {@code terminating} as {@code updated}; {@code terminated} as {@code deleted}. */
    void callState(Call call) {
        String changeType = call.state == CallState.TERMINATED ? "deleted" : "updated";
        ObjectNode data = GraphJson.callState(call.id, call.conference.id, call.myParticipantId, call.state,
                call.state == CallState.TERMINATED ? call.resultInfo : null);
        send(call, NotificationKind.CALL_STATE, item(changeType, "/communications/calls/" + call.id, data));
    }

    /** A call the journal found live after a crash: {@code terminated} with {@link ResultInfo#SERVER_RESTARTED}. */
    void callLost(dev.switchboard.journal.JournaledCall c) {
        ObjectNode data = GraphJson.callState(c.callId(), c.callChainId(), c.myParticipantId(), CallState.TERMINATED,
                ResultInfo.SERVER_RESTARTED);
        try {
            sink.enqueue(new OutboundNotification(c.callId(), c.tenantId(), c.appId(), c.callbackUri(),
                    NotificationKind.CALL_STATE, item("deleted", "/communications/calls/" + c.callId(), data)));
        } catch (RuntimeException e) {
            log.error("notification not queued callId={} kind={}", c.callId(), NotificationKind.CALL_STATE, e);
        }
    }

    /** A roster {@code updated} on the call's participants; the array is the whole roster or the delta. */
    void roster(Call call, List<ParticipantView> fullRoster, List<ParticipantView> delta) {
        List<ParticipantView> shown = call.request.deltaRoster() ? delta : fullRoster;
        send(call, NotificationKind.ROSTER, item("updated", "/communications/calls/" + call.id + "/participants",
                GraphJson.participants(shown)));
    }

    /** An asynchronous operation finished: {@code deleted} on the operation. */
    void operationFinished(Call call, Operation op) {
        send(call, NotificationKind.OPERATION, item("deleted",
                "/communications/calls/" + call.id + "/operations/" + op.id(), GraphJson.operation(op, null)));
    }

    private static ObjectNode item(String changeType, String resourceUrl, com.fasterxml.jackson.databind.JsonNode data) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("@odata.type", "#microsoft.graph.commsNotification");
        n.put("changeType", changeType);
        n.put("resourceUrl", resourceUrl);
        n.set("resourceData", data);
        return n;
    }

    private void send(Call call, NotificationKind kind, ObjectNode item) {
        try {
            sink.enqueue(new OutboundNotification(call.id, call.tenantId, call.appId, call.request.callbackUri(), kind, item));
        } catch (RuntimeException e) {
            log.error("notification not queued callId={} kind={}", call.id, kind, e);
        }
    }
}
