package dev.switchboard.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.CallCommand;
import dev.switchboard.error.SwitchboardException;
import io.javalin.http.Context;

/**
 * {@code GET /communications/calls/{id}/contentSharingSessions[/{sessionId}]}. Switchboard carries audio only, so no
 * one ever shares content in its calls: the list of the caller's own call is always empty, and any session id is
 * {@code 404 itemNotFound}. Someone else's call, or none, is the same 404 as on every call route. No role is checked
 * beyond owning the call (facts §9.4: roles are checked when a call is created or joined, and Graph's roles for these
 * reads are exactly those). Request threads (docs/concurrency.md).
 */
public final class ContentSharingSessionsHandler {
    private final CallRouter calls;
    private final GraphRequests requests;

    public ContentSharingSessionsHandler(CallRouter calls, GraphRequests requests) {
        this.calls = calls;
        this.requests = requests;
    }

    /** {@code GET .../contentSharingSessions}: {@code {"@odata.context", "value": []}} for the caller's own call. */
    public void list(Context ctx) {
        String callId = ownCall(ctx);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("@odata.context", requests.graphBase(ctx) + "/$metadata#communications/calls('" + callId
                + "')/contentSharingSessions");
        out.putArray("value");
        GraphRequests.json(ctx, 200, out);
    }

    /** {@code GET .../contentSharingSessions/{sessionId}}: always 404, naming the session and the call. */
    public void get(Context ctx) {
        String callId = ownCall(ctx);
        throw SwitchboardException.notFound("Content sharing session '" + ctx.pathParam("sessionId") + "' in call '"
                + callId + "' (Switchboard carries audio only; no content is ever shared in its calls)");
    }

    /** The path's call id once the call is known to be the caller's (404 otherwise). */
    private String ownCall(Context ctx) {
        String callId = ctx.pathParam("callId");
        calls.send(new CallCommand.GetCall(callId, requests.app(ctx)));
        return callId;
    }
}
