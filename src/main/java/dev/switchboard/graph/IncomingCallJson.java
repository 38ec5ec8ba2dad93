package dev.switchboard.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.CallView;

/**
 * The parts of a call only an incoming call has (facts IVR §2.2): the caller as {@code source}, the bot as
 * {@code targets}, and {@code incomingContext}. Stateless and thread-safe.
 */
final class IncomingCallJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private IncomingCallJson() {
    }

    /** Completes {@code source} (the caller) and fills {@code targets} (the bot). */
    static void sourceAndTargets(CallView c, ObjectNode source, ArrayNode targets) {
        source.put("id", c.inbound().callerParticipantId());
        source.put("endpointType", "default");
        source.putNull("region");
        source.put("languageId", "en-US");
        ObjectNode bot = targets.addObject();
        bot.put("@odata.type", "#microsoft.graph.invitationParticipantInfo");
        bot.set("identity", CallJson.identitySet(c.source()));
        bot.put("endpointType", "default");
        bot.put("id", c.myParticipantId());
    }

    /** {@code #microsoft.graph.incomingContext}. */
    static ObjectNode incomingContext(CallView.Inbound inbound) {
        ObjectNode n = F.objectNode();
        n.put("@odata.type", "#microsoft.graph.incomingContext");
        n.put("sourceParticipantId", inbound.callerParticipantId());
        n.put("observedParticipantId", inbound.callerParticipantId());
        n.putNull("onBehalfOf");
        if (inbound.transferor() != null) {
            n.set("transferor", CallJson.identitySet(inbound.transferor()));
        } else {
            n.putNull("transferor");
        }
        return n;
    }
}
