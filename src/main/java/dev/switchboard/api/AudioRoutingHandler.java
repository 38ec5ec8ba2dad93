package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.CallsPermission;
import dev.switchboard.auth.Principal;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.AudioRoutingCalls;
import dev.switchboard.core.AudioRoutingGroup;
import dev.switchboard.core.CallCommand;
import dev.switchboard.core.Caller;
import dev.switchboard.core.RoutingMode;
import dev.switchboard.error.SwitchboardException;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code .../calls/{id}/audioRoutingGroups}: list (GET), create (POST, 200 and the group, as Graph answers), and on
 * {@code .../audioRoutingGroups/{groupId}} read (GET), change (PATCH: the properties given replace the group's) and
 * delete (DELETE, 204). Who hears whom follows from the next mixer tick (docs/audio-routing.md). Request threads.
 */
public final class AudioRoutingHandler {
    private static final String TYPE = "#microsoft.graph.audioRoutingGroup";
    private final CallRouter calls;
    private final GraphRequests requests;

    public AudioRoutingHandler(CallRouter calls, GraphRequests requests) {
        this.calls = calls;
        this.requests = requests;
    }

    public void list(Context ctx) {
        String callId = ctx.pathParam("callId");
        List<AudioRoutingGroup> groups = calls.send(new CallCommand.ListAudioRoutingGroups(callId, caller(ctx)));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("@odata.context", collectionContext(ctx, callId));
        ArrayNode value = out.putArray("value");
        for (AudioRoutingGroup g : groups) {
            value.add(render(g));
        }
        GraphRequests.json(ctx, 200, out);
    }

    public void get(Context ctx) {
        Caller app = caller(ctx);
        answer(ctx, calls.send(new CallCommand.GetAudioRoutingGroup(ctx.pathParam("callId"), ctx.pathParam("groupId"), app)));
    }

    public void create(Context ctx) {
        Caller app = caller(ctx);
        ObjectNode body = requests.requiredBody(ctx);
        AudioRoutingGroup group = new AudioRoutingGroup(Json.optionalString(body, "id"),
                RoutingMode.parse(Json.optionalString(body, "routingMode")),
                ids(body, "sources", true), ids(body, "receivers", true));
        answer(ctx, calls.send(new CallCommand.CreateAudioRoutingGroup(ctx.pathParam("callId"), group, app)));
    }

    public void update(Context ctx) {
        Caller app = caller(ctx);
        ObjectNode body = requests.requiredBody(ctx);
        String groupId = ctx.pathParam("groupId");
        String id = Json.optionalString(body, "id");
        if (id != null && !id.equals(groupId)) {
            throw SwitchboardException.badRequest("'id' cannot change (the group is '" + groupId + "', the body says '"
                    + id + "').");
        }
        String mode = Json.optionalString(body, "routingMode");
        answer(ctx, calls.send(new CallCommand.UpdateAudioRoutingGroup(ctx.pathParam("callId"), groupId,
                mode == null ? null : RoutingMode.parse(mode), ids(body, "sources", false), ids(body, "receivers", false),
                app)));
    }

    public void delete(Context ctx) {
        Caller app = caller(ctx);
        calls.send(new CallCommand.DeleteAudioRoutingGroup(ctx.pathParam("callId"), ctx.pathParam("groupId"), app));
        ctx.status(204);
    }

    private Caller caller(Context ctx) {
        Principal app = requests.appPrincipal(ctx);
        CallsPermission.checkAudioRouting(app);
        return GraphRequests.caller(app);
    }

    private void answer(Context ctx, AudioRoutingGroup g) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("@odata.context", collectionContext(ctx, ctx.pathParam("callId")) + "/$entity");
        out.setAll(render(g));
        GraphRequests.json(ctx, 200, out);
    }

    private String collectionContext(Context ctx, String callId) {
        return requests.graphBase(ctx) + "/$metadata#communications/calls('" + callId + "')/audioRoutingGroups";
    }

    private static ObjectNode render(AudioRoutingGroup g) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("@odata.type", TYPE);
        n.put("id", g.id());
        n.put("routingMode", g.mode().wireName());
        g.sources().forEach(n.putArray("sources")::add);
        g.receivers().forEach(n.putArray("receivers")::add);
        return n;
    }

    /** A list of participant ids; null when absent and not {@code required}. */
    private static List<String> ids(ObjectNode body, String field, boolean required) {
        ArrayNode a = Json.optionalArray(body, field);
        if (a == null) {
            if (required) {
                throw SwitchboardException.badRequest("'" + field + "' is required: a list of participant ids.");
            }
            return null;
        }
        if (a.size() > AudioRoutingCalls.MAX_RECEIVERS) {
            throw SwitchboardException.badRequest("'" + field + "' names more than " + AudioRoutingCalls.MAX_RECEIVERS
                    + " participants.");
        }
        List<String> out = new ArrayList<>(a.size());
        for (JsonNode n : a) {
            if (!n.isTextual() || n.asText().isBlank()) {
                throw SwitchboardException.badRequest("Each entry of '" + field + "' must be a participant id (a string).");
            }
            out.add(n.asText());
        }
        return out;
    }
}
