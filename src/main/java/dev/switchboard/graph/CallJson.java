package dev.switchboard.graph;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.CallState;
import dev.switchboard.core.CallView;
import dev.switchboard.core.CreateCallRequest;
import dev.switchboard.core.Operation;
import dev.switchboard.core.OperationKind;
import dev.switchboard.core.ParticipantIdentity;
import dev.switchboard.core.ParticipantView;
import dev.switchboard.core.ResultInfo;

import java.util.List;

/**
 * The Graph JSON shapes of calls, participants and operations, rendered from core's values and shared by the API's
 * responses, the notifications and the roster stream so all always agree. Stateless and thread-safe.
 */
public final class CallJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private CallJson() {
    }

    /** A {@code #microsoft.graph.participant}. */
    public static ObjectNode participant(ParticipantView p) {
        ObjectNode n = F.objectNode();
        n.put("@odata.type", "#microsoft.graph.participant");
        n.put("id", p.id());
        ObjectNode info = n.putObject("info");
        info.put("@odata.type", "#microsoft.graph.participantInfo");
        info.set("identity", identitySet(p.identity()));
        info.put("endpointType", "default");
        info.put("participantId", p.id());
        ArrayNode streams = n.putArray("mediaStreams");
        ObjectNode audio = streams.addObject();
        audio.put("@odata.type", "#microsoft.graph.mediaStream");
        audio.put("mediaType", "audio");
        audio.put("label", "main-audio");
        audio.put("sourceId", p.sourceId());
        audio.put("direction", p.onHold() ? "inactive" : "sendReceive"); // held: hears music, heard by nobody
        audio.put("serverMuted", p.serverMuted());
        n.put("isMuted", p.isMuted());
        n.put("isInLobby", p.inLobby());
        n.put("rosterSequenceNumber", p.rosterSequenceNumber());
        n.putNull("metadata");
        if (p.recordingStatus() != null) {
            ObjectNode rec = n.putObject("recordingInfo");
            rec.put("@odata.type", "#microsoft.graph.recordingInfo");
            rec.set("initiator", identitySet(p.identity()));
            rec.put("recordingStatus", p.recordingStatus().wireName());
        }
        if (p.removed()) {
            n.putObject("removedState").put("reason", "removed");
        }
        return n;
    }

    /** An array of participants. */
    public static ArrayNode participants(List<ParticipantView> roster) {
        ArrayNode a = F.arrayNode(roster.size());
        for (ParticipantView p : roster) {
            a.add(participant(p));
        }
        return a;
    }

    /** A {@code #microsoft.graph.identitySet} with the identity in its slot. */
    public static ObjectNode identitySet(ParticipantIdentity identity) {
        ObjectNode set = F.objectNode();
        // the Java SDK binds applicationInstance only under communicationsIdentitySet (facts IVR §2.2)
        set.put("@odata.type", identity.kind() == ParticipantIdentity.Kind.APPLICATION_INSTANCE
                ? "#microsoft.graph.communicationsIdentitySet" : "#microsoft.graph.identitySet");
        ObjectNode id = set.putObject(identity.kind().slot());
        id.put("@odata.type", "#microsoft.graph.identity");
        id.put("id", identity.id());
        id.put("displayName", identity.displayName());
        if (identity.tenantId() != null) {
            id.put("tenantId", identity.tenantId());
        }
        return set;
    }

    /** A {@code #microsoft.graph.resultInfo}, or JSON null. */
    public static JsonNode resultInfo(ResultInfo r) {
        if (r == null) {
            return F.nullNode();
        }
        ObjectNode n = F.objectNode();
        n.put("@odata.type", "#microsoft.graph.resultInfo");
        n.put("code", r.code());
        n.put("subcode", r.subcode());
        n.put("message", r.message());
        return n;
    }

    /**
     * An operation; {@code status} in CSDL casing.
     *
     * @param metadataBase the server's {@code .../v1.0} base for {@code @odata.context}, or null to omit it
     */
    public static ObjectNode operation(Operation op, String metadataBase) {
        ObjectNode n = F.objectNode();
        n.put("@odata.type", op.kind().odataType());
        if (metadataBase != null) {
            n.put("@odata.context", metadataBase + "/$metadata#" + op.kind().typeName());
        }
        n.put("id", op.id());
        n.put("status", op.status().wireName());
        n.put("clientContext", op.clientContext());
        n.set("resultInfo", resultInfo(op.resultInfo()));
        if (op.media() != null || op.kind() == OperationKind.RECORD_RESPONSE) {
            GraphMediaOutcome.write(n, op);
        }
        if (op.kind() == OperationKind.INVITE) {
            ArrayNode ps = n.putArray("participants");
            for (ParticipantIdentity who : op.invitees()) {
                ObjectNode p = ps.addObject();
                p.put("@odata.type", "#microsoft.graph.invitationParticipantInfo");
                p.set("identity", identitySet(who));
            }
        }
        return n;
    }

    /**
     * The UTF-8 bytes of {@link #operation}, the same bytes as serialising that tree. An operation with no media
     * outcome and no invitees (a mute, unmute, keep-alive…) is written straight to the bytes with a streaming
     * generator, without building the tree (a mute's answer is on the hot path, issue 17); any other goes through
     * the tree. Thread-safe.
     *
     * @param metadataBase the server's {@code .../v1.0} base for {@code @odata.context}, or null to omit it
     */
    public static byte[] operationBytes(Operation op, String metadataBase) {
        if (op.media() != null || op.kind() == OperationKind.RECORD_RESPONSE || op.kind() == OperationKind.INVITE) {
            return GraphWire.bytes(operation(op, metadataBase));
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(320);
        try (JsonGenerator g = GraphWire.JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("@odata.type", op.kind().odataType());
            if (metadataBase != null) {
                g.writeStringField("@odata.context", metadataBase + "/$metadata#" + op.kind().typeName());
            }
            g.writeStringField("id", op.id());
            g.writeStringField("status", op.status().wireName());
            g.writeStringField("clientContext", op.clientContext());
            ResultInfo r = op.resultInfo();
            if (r == null) {
                g.writeNullField("resultInfo");
            } else {
                g.writeObjectFieldStart("resultInfo");
                g.writeStringField("@odata.type", "#microsoft.graph.resultInfo");
                g.writeNumberField("code", r.code());
                g.writeNumberField("subcode", r.subcode());
                g.writeStringField("message", r.message());
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("writing to memory does not fail", e);
        }
        return out.toByteArray();
    }

    /**
     * A full {@code #microsoft.graph.call}.
     *
     * @param metadataBase the server's {@code .../v1.0} base for {@code @odata.context}, or null to omit it
     */
    public static ObjectNode call(CallView c, String metadataBase) {
        CreateCallRequest r = c.request();
        GraphEcho.Parts echo = GraphEcho.of(r).parts();
        ObjectNode n = F.objectNode();
        n.put("@odata.type", "#microsoft.graph.call");
        if (metadataBase != null) {
            n.put("@odata.context", metadataBase + "/$metadata#communications/calls/$entity");
        }
        n.put("id", c.id());
        n.put("state", c.state().wireName());
        n.put("direction", c.inbound() != null ? "incoming" : "outgoing");
        n.put("callbackUri", r.callbackUri().toString());
        n.put("callChainId", c.callChainId());
        n.put("myParticipantId", c.myParticipantId());
        n.put("tenantId", c.tenantId());
        n.put("subject", r.subject());
        ObjectNode source = n.putObject("source");
        source.put("@odata.type", "#microsoft.graph.participantInfo");
        source.set("identity", identitySet(c.inbound() != null ? c.inbound().caller() : c.source()));
        if (c.inbound() != null) {
            IncomingCallJson.sourceAndTargets(c, source, n.putArray("targets"));
        } else {
            n.set("targets", echo.targets() != null ? echo.targets() : F.arrayNode());
        }
        ArrayNode modalities = n.putArray("requestedModalities");
        r.requestedModalities().forEach(modalities::add);
        n.set("mediaConfig", c.state() == CallState.INCOMING ? F.nullNode() : mediaConfig(c, echo));
        n.set("mediaState", mediaState(c.state()));
        n.set("meetingInfo", meetingInfo(c, echo));
        n.set("chatInfo", echo.chatInfo() != null ? echo.chatInfo() : F.nullNode());
        n.set("callOptions", echo.callOptions() != null ? echo.callOptions() : F.nullNode());
        n.set("resultInfo", resultInfo(c.resultInfo()));
        n.putNull("toneInfo");
        n.putNull("transcription");
        n.set("incomingContext", c.inbound() != null ? IncomingCallJson.incomingContext(c.inbound()) : F.nullNode());
        n.putArray("callRoutes");
        return n;
    }

    /** A {@code #microsoft.graph.toneInfo}. */
    public static ObjectNode toneInfo(dev.switchboard.media.DtmfTone tone, long sequenceId) {
        ObjectNode n = F.objectNode();
        n.put("@odata.type", "#microsoft.graph.toneInfo");
        n.put("sequenceId", sequenceId);
        n.put("tone", GraphTones.name(tone));
        return n;
    }

    /** The partial call a call-state notification carries. */
    public static ObjectNode callState(String callId, String callChainId, String myParticipantId, CallState state,
                                       ResultInfo result) {
        ObjectNode n = F.objectNode();
        n.put("@odata.type", "#microsoft.graph.call");
        n.put("@odata.id", "/communications/calls/" + callId);
        n.put("id", callId);
        n.put("state", state.wireName());
        n.put("callChainId", callChainId);
        n.put("myParticipantId", myParticipantId);
        n.set("mediaState", mediaState(state));
        if (result != null) {
            n.set("resultInfo", resultInfo(result));
        }
        return n;
    }

    /**
     * {@code mediaState}: the bot's audio is {@code active} from the answer (or the create) until the call ends, and
     * {@code inactive} while it rings or ends. On every state notification too: Graph's IVR samples start their first
     * prompt on {@code established} with {@code mediaState.audio == active}.
     */
    private static ObjectNode mediaState(CallState state) {
        boolean inactive = state == CallState.INCOMING || state == CallState.TERMINATING || state == CallState.TERMINATED;
        ObjectNode m = F.objectNode();
        m.put("audio", inactive ? "inactive" : "active");
        return m;
    }

    private static ObjectNode mediaConfig(CallView c, GraphEcho.Parts echo) {
        ObjectNode m = echo.mediaConfig() != null ? echo.mediaConfig() : F.objectNode();
        if (c.request().appHostedMedia()) {
            m.put("@odata.type", "#microsoft.graph.appHostedMediaConfig");
            m.put("blob", c.mediaAnswer());
        } else {
            m.put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig");
        }
        return m;
    }

    private static JsonNode meetingInfo(CallView c, GraphEcho.Parts echo) {
        if (echo.meetingInfo() != null) {
            return echo.meetingInfo();
        }
        if (c.joinMeetingId() == null) {
            return F.nullNode();
        }
        ObjectNode m = F.objectNode();
        m.put("@odata.type", "#microsoft.graph.joinMeetingIdMeetingInfo");
        m.put("joinMeetingId", c.joinMeetingId());
        m.putNull("passcode");
        return m;
    }
}
