package dev.switchboard.api;

import dev.switchboard.core.CallService;
import dev.switchboard.core.GraphJson;
import dev.switchboard.core.Operation;
import io.javalin.http.Context;

/** {@code GET /communications/calls/{id}/operations/{opId}}: the same object the action returned (or its final state). */
public final class OperationsHandler {
    private final CallService calls;
    private final GraphRequests requests;

    public OperationsHandler(CallService calls, GraphRequests requests) {
        this.calls = calls;
        this.requests = requests;
    }

    public void get(Context ctx) {
        Operation op = calls.operation(ctx.pathParam("callId"), ctx.pathParam("operationId"), requests.app(ctx));
        GraphRequests.json(ctx, 200, GraphJson.operation(op, requests.graphBase(ctx)));
    }
}
