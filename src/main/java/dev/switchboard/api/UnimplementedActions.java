package dev.switchboard.api;

import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.CallCommand;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import io.javalin.http.Context;

import java.util.List;

/**
 * The Graph calls API's actions and resources that Switchboard does not implement yet. Addressed to the caller's
 * own call (or participant) each answers {@code 501 NotImplemented} naming what was asked for, so a bot can tell
 * "not here yet" from "no such call"; addressed to any other call, the same 404 as every call route. Thread-safe.
 */
public final class UnimplementedActions {
    /** Actions bound to a call in Graph v1.0 (CSDL) that Switchboard does not implement. */
    public static final List<String> CALL_ACTIONS = List.of("changeScreenSharingRole", "addLargeGalleryView");
    /** Actions bound to a participant in Graph v1.0 that Switchboard does not implement. */
    public static final List<String> PARTICIPANT_ACTIONS = List.of();

    private final CallRouter calls;
    private final GraphRequests requests;

    public UnimplementedActions(CallRouter calls, GraphRequests requests) {
        this.calls = calls;
        this.requests = requests;
    }

    /** An action or resource of a call: 404 unless it is the caller's call, then 501. */
    public void onCall(Context ctx, String name) {
        calls.send(new CallCommand.GetCall(ctx.pathParam("callId"), requests.app(ctx)));
        throw notImplemented(name);
    }

    /** An action of a participant: 404 unless the participant is in the caller's call, then 501. */
    public void onParticipant(Context ctx, String name) {
        calls.send(new CallCommand.GetParticipant(ctx.pathParam("callId"), ctx.pathParam("participantId"),
                requests.app(ctx)));
        throw notImplemented(name);
    }

    private static SwitchboardException notImplemented(String name) {
        return new SwitchboardException(ErrorCode.NOT_IMPLEMENTED, "'" + name + "' is a Graph calls API feature that "
                + "Switchboard does not implement yet.");
    }
}
