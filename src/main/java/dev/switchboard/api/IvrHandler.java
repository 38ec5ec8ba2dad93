package dev.switchboard.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.CallCommand;
import dev.switchboard.core.CallEngine;
import dev.switchboard.core.Operation;
import dev.switchboard.graph.CallJson;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The service-hosted media actions (playPrompt, recordResponse, cancelMediaProcessing, a participant's
 * startHoldMusic/stopHoldMusic) and the download of recordings. Request threads (docs/concurrency.md).
 */
public final class IvrHandler {
    /** Where recordings are served, under the server's origin. */
    public static final String RECORDINGS = "/recordings/";

    private final CallRouter calls;
    private final GraphRequests requests;
    private final CallEngine engine;

    /** @param engine this node's engine, which holds the recordings it made */
    public IvrHandler(CallRouter calls, GraphRequests requests, CallEngine engine) {
        this.calls = calls;
        this.requests = requests;
        this.engine = engine;
    }

    public void playPrompt(Context ctx) {
        var app = requests.app(ctx);
        ObjectNode body = requests.optionalBody(ctx);
        requests.answerOperation(ctx, calls.send(new CallCommand.PlayPrompt(ctx.pathParam("callId"),
                IvrBodies.prompts(body), app, GraphRequests.clientContext(body))));
    }

    public void recordResponse(Context ctx) {
        var app = requests.app(ctx);
        ObjectNode body = requests.optionalBody(ctx);
        requests.answerOperation(ctx, calls.send(new CallCommand.RecordResponse(ctx.pathParam("callId"),
                IvrBodies.record(body, requests.base(ctx) + RECORDINGS), app)));
    }

    public void cancelMediaProcessing(Context ctx) {
        var app = requests.app(ctx);
        ObjectNode body = requests.optionalBody(ctx);
        requests.answerOperation(ctx, calls.send(new CallCommand.CancelMediaProcessing(ctx.pathParam("callId"), app,
                GraphRequests.clientContext(body))));
    }

    /** 202 with the operation, as Graph answers hold music. */
    public void startHoldMusic(Context ctx) {
        var app = requests.app(ctx);
        ObjectNode body = requests.optionalBody(ctx);
        accepted(ctx, calls.send(new CallCommand.StartHoldMusic(ctx.pathParam("callId"), ctx.pathParam("participantId"),
                IvrBodies.customPrompt(body), app, GraphRequests.clientContext(body))));
    }

    public void stopHoldMusic(Context ctx) {
        var app = requests.app(ctx);
        ObjectNode body = requests.optionalBody(ctx);
        accepted(ctx, calls.send(new CallCommand.StopHoldMusic(ctx.pathParam("callId"), ctx.pathParam("participantId"),
                app, GraphRequests.clientContext(body))));
    }

    /** {@code GET /recordings/{id}} with {@code Authorization: Bearer <recordingAccessToken>}: the WAV, else 401. */
    public void recording(Context ctx) throws IOException {
        String auth = ctx.header("Authorization");
        String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        Path file = engine.ivr().recording(ctx.pathParam("recordingId"), token);
        ctx.status(200);
        ctx.contentType("application/octet-stream");
        ctx.header("Cache-Control", "no-store");
        ctx.res().setContentLengthLong(Files.size(file));
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(ctx.res().getOutputStream());
        }
    }

    private void accepted(Context ctx, Operation op) {
        String base = requests.graphBase(ctx);
        ctx.header("Location", base + "/communications/calls/" + op.callId() + "/operations/" + op.id());
        GraphRequests.json(ctx, 202, CallJson.operation(op, base));
    }
}
