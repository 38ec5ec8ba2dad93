package dev.switchboard.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.CallsPermission;
import dev.switchboard.auth.Principal;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.CallCommand;
import dev.switchboard.core.CallView;
import dev.switchboard.core.MuteTarget;
import dev.switchboard.graph.CallJson;
import io.javalin.http.Context;

/** {@code /communications/calls} and the actions bound to a call (keepAlive, mute, unmute). Request threads (docs/concurrency.md). */
public final class CallsHandler {
    private final CallRouter calls;
    private final GraphRequests requests;
    private final CallbackCheck callbackCheck;

    /** @param callbackCheck refuses a callback URI the server must not call */
    public CallsHandler(CallRouter calls, GraphRequests requests, CallbackCheck callbackCheck) {
        this.calls = calls;
        this.requests = requests;
        this.callbackCheck = callbackCheck;
    }

    /** {@code POST /communications/calls}: 201, {@code Location} of the call, the call ({@code establishing}). */
    public void create(Context ctx) {
        Principal app = requests.appPrincipal(ctx);
        ObjectNode body = requests.requiredBody(ctx);
        CreateCallBody.Parsed parsed = CreateCallBody.parse(body, app, GraphRequests.remoteAddress(ctx));
        CallsPermission.checkCreate(app, parsed.kind(), parsed.request().appHostedMedia());
        callbackCheck.require(parsed.request().callbackUri());
        var prefetch = IvrBodies.preFetchMedia(Json.optionalObject(body, "mediaConfig"));
        CallView call = calls.create(parsed.request(), GraphRequests.caller(app));
        preFetch(calls, call.id(), prefetch, GraphRequests.caller(app));
        String base = requests.graphBase(ctx);
        ctx.header("Location", base + "/communications/calls/" + call.id());
        GraphRequests.json(ctx, 201, CallJson.call(call, base));
    }

    /**
     * Starts {@code serviceHostedMediaConfig.preFetchMedia} of a call just created or answered; never fails the
     * request (a server without service-hosted media, a call gone meanwhile: nothing to fetch for).
     */
    static void preFetch(CallRouter calls, String callId, java.util.List<dev.switchboard.core.MediaPrompt> media,
                         dev.switchboard.core.Caller app) {
        if (media.isEmpty()) {
            return;
        }
        try {
            calls.send(new CallCommand.PreFetchMedia(callId, media, app));
        } catch (dev.switchboard.error.SwitchboardException ignored) {
            // the call was made or answered; its prompts are fetched when played
        }
    }

    /** {@code GET /communications/calls/{id}}. */
    public void get(Context ctx) {
        CallView call = calls.send(new CallCommand.GetCall(ctx.pathParam("callId"), requests.app(ctx)));
        GraphRequests.json(ctx, 200, CallJson.call(call, requests.graphBase(ctx)));
    }

    /** {@code DELETE /communications/calls/{id}}: 204. */
    public void delete(Context ctx) {
        calls.send(new CallCommand.HangUp(ctx.pathParam("callId"), requests.app(ctx)));
        ctx.status(204);
    }

    /** {@code POST /communications/calls/{id}/keepAlive}: 200, no body and no {@code Content-Type}; 404 once the call ended. */
    public void keepAlive(Context ctx) {
        calls.send(new CallCommand.KeepAlive(ctx.pathParam("callId"), requests.app(ctx)));
        ctx.status(200);
        ctx.res().setContentType(null);
        ctx.res().setContentLength(0);
    }

    /** {@code POST /communications/calls/{id}/mute}: the bot mutes itself. */
    public void mute(Context ctx) {
        muteBot(ctx, true);
    }

    /** {@code POST /communications/calls/{id}/unmute}: the bot unmutes itself. */
    public void unmute(Context ctx) {
        muteBot(ctx, false);
    }

    private void muteBot(Context ctx, boolean muted) {
        var app = requests.app(ctx);
        String clientContext = requests.actionClientContext(ctx);
        requests.answerOperation(ctx, calls.send(new CallCommand.ServerMute(ctx.pathParam("callId"), MuteTarget.BOT_ITSELF,
                muted, app, clientContext)));
    }
}
