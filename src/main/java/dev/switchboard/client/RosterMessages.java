package dev.switchboard.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ParticipantView;
import dev.switchboard.core.RosterUpdate;
import dev.switchboard.graph.CallJson;

import java.nio.charset.StandardCharsets;

/**
 * The roster stream's message: the whole roster (participants as the Graph API shows them, with
 * {@code isMuted} and {@code mediaStreams[].serverMuted}), its sequence number, which entries changed, and
 * whether the call ended.
 */
final class RosterMessages {
    private RosterMessages() {
    }

    static RosterMessage render(String callId, RosterUpdate update) {
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        message.put("type", update.ended() ? "ended" : "roster");
        message.put("callId", callId);
        message.put("rosterSequenceNumber", update.sequenceNumber());
        message.set("participants", CallJson.participants(update.roster()));
        if (update.ended() && update.endReason() != null) {
            message.set("endReason", CallJson.resultInfo(update.endReason())); // why, for a caller (docs/inbound-calls.md)
        }
        if (update.movedTo() != null && update.ended()) {
            message.put("movedTo", update.movedTo()); // the user goes on in that call (docs/inbound-calls.md)
        }
        ArrayNode changed = message.putArray("changed");
        for (ParticipantView p : update.changed()) {
            ObjectNode entry = changed.addObject();
            entry.put("id", p.id());
            entry.put("removed", p.removed());
            if (p.id().equals(update.movedParticipantId())) {
                entry.put("movedTo", update.movedTo()); // they went on in that call, the call goes on (a transfer)
            }
        }
        return new RosterMessage(update.sequenceNumber(), message.toString().getBytes(StandardCharsets.UTF_8),
                update.ended());
    }

    /**
     * The levels message: {@code {"type":"levels","callId":…,"levels":{"<participantId>":0.42,…}}}, each level 0..1 of
     * full scale, two decimals. Sequence -1: it is not a roster change.
     */
    static RosterMessage levels(String callId, String levelsJson) {
        String text = "{\"type\":\"levels\",\"callId\":" + JsonNodeFactory.instance.textNode(callId) + ",\"levels\":" + levelsJson + "}";
        return new RosterMessage(-1, text.getBytes(StandardCharsets.UTF_8), false);
    }

    /** The {@code levels} object of a levels message. */
    static String levelsJson(java.util.Map<String, Double> levels) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        levels.forEach((id, level) -> o.put(id, Math.round(Math.clamp(level, 0.0, 1.0) * 100) / 100.0));
        return o.toString();
    }
}
