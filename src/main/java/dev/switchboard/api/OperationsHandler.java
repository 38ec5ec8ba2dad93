package dev.switchboard.api;

import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.CallCommand;
import dev.switchboard.core.Operation;
import dev.switchboard.graph.CallJson;
import io.javalin.http.Context;

/** {@code GET /communications/calls/{id}/operations/{opId}}: the same object the action returned (or its final state). *
/** {@code GET /communications/calls/{id}/operations/{opId}}: the same object the action returned (or its final state). * <p>Threads and locks: docs/concurrency.md.
/** {@code GET /communications/calls/{id}/operations/{opId}}: the same object the action returned (or its final state). */
public final class OperationsHandler {
    private final CallRouter calls;
    private final GraphRequests requests;

    public OperationsHandler(CallRouter calls, GraphRequests requests) {
        this.calls = calls;
        this.requests = requests;
    }

    public void get(Context ctx) {
        Operation op = calls.send(new CallCommand.GetOperation(ctx.pathParam("callId"), ctx.pathParam("operationId"),
                requests.app(ctx)));
        GraphRequests.json(ctx, 200, CallJson.operation(op, requests.graphBase(ctx)));
    }
}
