package dev.switchboard.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.CallsPermission;
import dev.switchboard.auth.Principal;
import dev.switchboard.core.CallService;
import dev.switchboard.core.CallView;
import dev.switchboard.core.GraphJson;
import dev.switchboard.core.Operation;
import io.javalin.http.Context;

import java.util.function.Consumer;

/** {@code /communications/calls} and the actions bound to a call (keepAlive, mute, unmute). */
public final class CallsHandler {
    private final CallService calls;
    private final GraphRequests requests;
    private final Consumer<java.net.URI> callbackCheck;

    /**
     * @param callbackCheck refuses a callback URI the server must not call (throws SwitchboardException BAD_REQUEST)
     */
    public CallsHandler(CallService calls, GraphRequests requests, Consumer<java.net.URI> callbackCheck) {
        this.calls = calls;
        this.requests = requests;
        this.callbackCheck = callbackCheck;
    }

    /** {@code POST /communications/calls}: 201, {@code Location} of the call, the call ({@code establishing}). */
    public void create(Context ctx) {
        Principal app = requests.appPrincipal(ctx);
        CreateCallBody.Parsed parsed = CreateCallBody.parse(requests.requiredBody(ctx), app,
                GraphRequests.remoteAddress(ctx));
        CallsPermission.checkCreate(app, parsed.kind(), parsed.request().appHostedMedia());
        callbackCheck.accept(parsed.request().callbackUri());
        CallView call = calls.create(parsed.request(), GraphRequests.caller(app));
        String base = requests.graphBase(ctx);
        ctx.header("Location", base + "/communications/calls/" + call.id());
        GraphRequests.json(ctx, 201, GraphJson.call(call, base));
    }

    /** {@code GET /communications/calls/{id}}. */
    public void get(Context ctx) {
        CallView call = calls.get(ctx.pathParam("callId"), requests.app(ctx));
        GraphRequests.json(ctx, 200, GraphJson.call(call, requests.graphBase(ctx)));
    }

    /** {@code DELETE /communications/calls/{id}}: 204. */
    public void delete(Context ctx) {
        calls.hangUp(ctx.pathParam("callId"), requests.app(ctx));
        ctx.status(204);
    }

    /** {@code POST /communications/calls/{id}/keepAlive}: 200, no body; 404 once the call ended. */
    public void keepAlive(Context ctx) {
        calls.keepAlive(ctx.pathParam("callId"), requests.app(ctx));
        ctx.status(200);
    }

    /** {@code POST /communications/calls/{id}/mute}: the bot mutes itself. */
    public void mute(Context ctx) {
        var app = requests.app(ctx);
        ObjectNode body = requests.optionalBody(ctx);
        operation(ctx, calls.mute(ctx.pathParam("callId"), app, GraphRequests.clientContext(body)));
    }

    /** {@code POST /communications/calls/{id}/unmute}: the bot unmutes itself. */
    public void unmute(Context ctx) {
        var app = requests.app(ctx);
        ObjectNode body = requests.optionalBody(ctx);
        operation(ctx, calls.unmute(ctx.pathParam("callId"), app, GraphRequests.clientContext(body)));
    }

    /** 200 + {@code Location} of the operation + the operation; shared by every action that returns one. */
    void operation(Context ctx, Operation op) {
        String base = requests.graphBase(ctx);
        ctx.header("Location", base + "/communications/calls/" + op.callId() + "/operations/" + op.id());
        GraphRequests.json(ctx, 200, GraphJson.operation(op, base));
    }
}
