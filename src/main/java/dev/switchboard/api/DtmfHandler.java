package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.CallCommand;
import dev.switchboard.core.RecordingStatus;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.graph.GraphTones;
import dev.switchboard.media.DtmfTone;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;

/**
 * The call actions of DTMF and recording status (docs/dtmf.md): {@code subscribeToTone}, {@code sendDtmfTones},
 * {@code updateRecordingStatus}; each answers 200 + {@code Location} + the operation. Request threads.
 */
public final class DtmfHandler {
    private final CallRouter calls;
    private final GraphRequests requests;

    public DtmfHandler(CallRouter calls, GraphRequests requests) {
        this.calls = calls;
        this.requests = requests;
    }

    /** {@code POST .../calls/{id}/subscribeToTone}: a completed operation. */
    public void subscribeToTone(Context ctx) {
        var app = requests.app(ctx);
        ObjectNode body = requests.optionalBody(ctx);
        requests.answerOperation(ctx, calls.send(new CallCommand.SubscribeToTone(ctx.pathParam("callId"), app,
                GraphRequests.clientContext(body))));
    }

    /** {@code POST .../calls/{id}/sendDtmfTones}: {@code tones} (tone names), {@code delayBetweenTonesMs}; a running operation. */
    public void sendDtmfTones(Context ctx) {
        var app = requests.app(ctx);
        ObjectNode body = requests.requiredBody(ctx);
        List<DtmfTone> tones = tones(body);
        Integer delay = delay(body);
        requests.answerOperation(ctx, calls.send(new CallCommand.SendDtmfTones(ctx.pathParam("callId"), tones, delay, app,
                GraphRequests.clientContext(body))));
    }

    /** {@code POST .../calls/{id}/updateRecordingStatus}: {@code status}; a completed operation. */
    public void updateRecordingStatus(Context ctx) {
        var app = requests.app(ctx);
        ObjectNode body = requests.requiredBody(ctx);
        RecordingStatus status = RecordingStatus.parse(Json.optionalString(body, "status"));
        requests.answerOperation(ctx, calls.send(new CallCommand.UpdateRecordingStatus(ctx.pathParam("callId"), status,
                app, GraphRequests.clientContext(body))));
    }

    static List<DtmfTone> tones(ObjectNode body) {
        ArrayNode array = Json.optionalArray(body, "tones");
        if (array == null || array.isEmpty()) {
            throw SwitchboardException.badRequest("'tones' is required: a non-empty array of tone names such as "
                    + "[\"tone1\", \"pound\"].");
        }
        List<DtmfTone> tones = new ArrayList<>(array.size());
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                throw SwitchboardException.badRequest("'tones' must hold tone names (strings) such as \"tone1\".");
            }
            tones.add(GraphTones.parse(n.asText()));
        }
        return tones;
    }

    private static Integer delay(ObjectNode body) {
        JsonNode n = body.get("delayBetweenTonesMs");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw SwitchboardException.badRequest("'delayBetweenTonesMs' must be a whole number of milliseconds.");
        }
        return n.intValue();
    }
}
