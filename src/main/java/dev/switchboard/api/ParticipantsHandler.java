package dev.switchboard.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.CallsPermission;
import dev.switchboard.auth.Principal;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.CallCommand;
import dev.switchboard.core.ParticipantIdentity;
import dev.switchboard.core.MuteTarget;
import dev.switchboard.core.ParticipantView;
import dev.switchboard.graph.CallJson;
import io.javalin.http.Context;

import java.util.List;

/**
 * {@code /communications/calls/{id}/participants}: list, get, remove, invite, mute and the unmute extension.
 * Request threads (docs/concurrency.md).
 */
public final class ParticipantsHandler {
    private final CallRouter calls;
    private final GraphRequests requests;

    public ParticipantsHandler(CallRouter calls, GraphRequests requests) {
        this.calls = calls;
        this.requests = requests;
    }

    /** {@code GET .../participants}: {@code {"value":[participant...]}}. */
    public void list(Context ctx) {
        String callId = ctx.pathParam("callId");
        List<ParticipantView> roster = calls.send(new CallCommand.ListParticipants(callId, requests.app(ctx)));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("@odata.context", requests.graphBase(ctx) + "/$metadata#communications/calls('" + callId + "')/participants");
        out.set("value", CallJson.participants(roster));
        GraphRequests.json(ctx, 200, out);
    }

    /** {@code GET .../participants/{pid}}. */
    public void get(Context ctx) {
        String callId = ctx.pathParam("callId");
        ParticipantView p = calls.send(new CallCommand.GetParticipant(callId, ctx.pathParam("participantId"), requests.app(ctx)));
        ObjectNode out = CallJson.participant(p);
        out.put("@odata.context", requests.graphBase(ctx) + "/$metadata#communications/calls('" + callId
                + "')/participants/$entity");
        GraphRequests.json(ctx, 200, out);
    }

    /** {@code DELETE .../participants/{pid}}: 204; the participant's leg is closed. */
    public void delete(Context ctx) {
        calls.send(new CallCommand.RemoveParticipant(ctx.pathParam("callId"), ctx.pathParam("participantId"),
                requests.app(ctx)));
        ctx.status(204);
    }

    /** {@code POST .../participants/invite}: 200 + Location + a running inviteParticipantsOperation. */
    public void invite(Context ctx) {
        Principal app = requests.appPrincipal(ctx);
        ObjectNode body = requests.requiredBody(ctx);
        CallsPermission.checkInvite(app);
        ArrayNode list = Json.optionalArray(body, "participants");
        if (list == null || list.isEmpty()) {
            throw SwitchboardException.badRequest("'participants' is required: a list of invitationParticipantInfo.");
        }
        Invitations invited = Invitations.read(list, "participants");
        String callId = ctx.pathParam("callId");
        String clientContext = GraphRequests.clientContext(body);
        if (invited.replacesCallId() != null) {
            ParticipantIdentity who = invited.users().getFirst();
            requests.answerOperation(ctx, calls.send(new CallCommand.InviteReplacing(callId, GraphRequests.caller(app),
                    who, invited.replacesCallId(), invited.outsideDefaultAudio().contains(who.id()), clientContext)));
            return;
        }
        requests.answerOperation(ctx, calls.send(new CallCommand.Invite(callId, invited.users(),
                invited.outsideDefaultAudio(), GraphRequests.caller(app), clientContext)));
    }

    /** {@code POST .../participants/{pid}/mute}: server mute of another participant. */
    public void mute(Context ctx) {
        muteParticipant(ctx, true);
    }

    /** {@code POST .../participants/{pid}/unmute}: Switchboard extension, lifts a server mute. */
    public void unmute(Context ctx) {
        muteParticipant(ctx, false);
    }

    private void muteParticipant(Context ctx, boolean muted) {
        var app = requests.app(ctx);
        String clientContext = requests.actionClientContext(ctx);
        MuteTarget target = MuteTarget.participant(ctx.pathParam("participantId"));
        requests.answerOperation(ctx, calls.send(new CallCommand.ServerMute(ctx.pathParam("callId"), target, muted, app,
                clientContext)));
    }
}
