package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.BearerAuthenticator;
import dev.switchboard.auth.CallsPermission;
import dev.switchboard.auth.Principal;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.CallCommand;
import dev.switchboard.core.Caller;
import dev.switchboard.core.CallingBot;
import dev.switchboard.core.CallingBots;
import dev.switchboard.core.IncomingCalls;
import dev.switchboard.core.LegStatus;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.graph.CallJson;
import dev.switchboard.graph.GraphWire;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.Locale;

/**
 * Users call bots (docs/inbound-calls.md): {@code POST /client/v1/apps/{appId}/calls} with an SDP offer dials the bot
 * (WHIP-style, like a join: 201, {@code Location} of the caller's leg, the SDP answer), and
 * {@code GET} on that Location tells the caller whether the call is ringing, connected or ended, and why.
 * Hanging up is the join's {@code DELETE}. Request threads; every command goes through the router.
 */
public final class DialHandler {
    private final CallRouter calls;
    private final BearerAuthenticator authenticator;
    private final CallingBots bots;
    private final Duration answerWindow;
    private final Duration pingPeriod;

    /** @param pingPeriod how often a ring stream is pinged: within the WebSocket idle timeout (half of it) */
    public DialHandler(CallRouter calls, BearerAuthenticator authenticator, CallingBots bots, Duration answerWindow,
                       Duration pingPeriod) {
        this.calls = calls;
        this.authenticator = authenticator;
        this.bots = bots;
        this.answerWindow = answerWindow;
        this.pingPeriod = pingPeriod;
    }

    /** {@code POST /client/v1/apps/{appId}/calls}: 201, Location, the SDP answer; the bot's webhook hears the call. */
    public void dial(Context ctx) {
        Caller user = user(ctx);
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/sdp")) {
            throw new SwitchboardException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "The call body must be an SDP offer with Content-Type: application/sdp.");
        }
        CallingBot bot = bots.require(ctx.pathParam("appId"), user.tenantId());
        IncomingCalls.Dialed dialed = calls.send(CallCommand.Dial.of(user, bot, ctx.body(), remoteAddress(ctx), answerWindow));
        ctx.status(201);
        ctx.header("Location", "/client/v1/calls/" + dialed.callId() + "/participants/" + dialed.participantId());
        ctx.contentType("application/sdp");
        ctx.result(dialed.sdpAnswer());
    }

    /**
     * {@code GET /client/v1/calls/{callId}/participants/{participantId}}: the user's own leg (a dialed call's or a
     * join's), {@code state} and {@code endReason}.
     */
    public void legStatus(Context ctx) {
        LegStatus s = calls.send(new CallCommand.GetLegStatus(ctx.pathParam("callId"), ctx.pathParam("participantId"),
                user(ctx)));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("callId", s.callId());
        out.put("participantId", s.participantId());
        out.put("state", s.state());
        out.set("endReason", CallJson.resultInfo(s.endReason()));
        ctx.status(200).contentType("application/json").result(GraphWire.bytes(out));
    }

    /**
     * {@code POST /client/v1/calls/{callId}/decline}: a rung user declines ({@code {"reason":"busy"}} optional); 204.
     *
     * @throws SwitchboardException 415 for a body that is not JSON, 400 for one that is not an object with a string
     *                              {@code reason} (nothing is declined then)
     */
    public void decline(Context ctx) {
        Caller user = user(ctx);
        String reason = null;
        String body = ctx.body();
        if (!body.isBlank()) {
            String contentType = ctx.contentType();
            if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                throw new SwitchboardException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "The decline body must be JSON with Content-Type: application/json.");
            }
            JsonNode json;
            try {
                json = GraphWire.JSON.readTree(body);
            } catch (java.io.IOException e) {
                throw SwitchboardException.badRequest("The decline body must be JSON like {\"reason\":\"busy\"}.");
            }
            if (json == null || !json.isObject()) {
                throw SwitchboardException.badRequest("The decline body must be a JSON object like {\"reason\":\"busy\"}.");
            }
            JsonNode r = json.get("reason");
            if (r != null && !r.isNull() && !r.isTextual()) {
                throw SwitchboardException.badRequest("'reason' must be a string: none, busy or forbidden.");
            }
            reason = r == null || r.isNull() ? null : r.asText();
        }
        calls.send(new CallCommand.Decline(ctx.pathParam("callId"), user, dev.switchboard.core.RejectReason.parse(reason)));
        ctx.status(204);
    }

    /**
     * Before the ring WebSocket upgrade: a user token, in the header or an {@code access_token} query parameter, of a
     * user below the ring stream limit ({@link RingStreams#admit}).
     */
    public void beforeRingUpgrade(Context ctx, RingStreams rings) {
        String header = ctx.header("Authorization");
        String token = ctx.queryParam("access_token");
        Principal p = authenticator.authenticate(header == null && token != null ? "Bearer " + token : header);
        CallsPermission.requireUser(p);
        Caller user = Caller.user(p.tenantId(), p.appId(), p.userId(), p.displayName());
        rings.admit(user);
        ctx.attribute(RING_USER, user);
    }

    public void ringConnected(io.javalin.websocket.WsConnectContext ctx, RingStreams rings) {
        Caller user = ctx.attribute(RING_USER);
        ctx.enableAutomaticPings(pingPeriod.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        rings.opened(user, ctx.session); // the stream's first message is {"type":"listening"}
    }

    public void ringClosed(io.javalin.websocket.WsCloseContext ctx, RingStreams rings) {
        Caller user = ctx.attribute(RING_USER);
        if (user != null) {
            rings.closed(user, ctx.session);
        }
    }

    private static final String RING_USER = "switchboard.ringUser";

    private Caller user(Context ctx) {
        Principal p = authenticator.authenticate(ctx.header("Authorization"));
        CallsPermission.requireUser(p);
        return Caller.user(p.tenantId(), p.appId(), p.userId(), p.displayName());
    }

    private static java.net.InetAddress remoteAddress(Context ctx) {
        // a dial hopped to the node it was placed on: the caller's address as the entry node saw it (cluster mode)
        String text = ctx.attribute(ClientHandler.HOPPED_CLIENT_ADDRESS) instanceof String hopped ? hopped : ctx.req().getRemoteAddr();
        if (text == null || text.isEmpty() || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return null;
        }
        try {
            return java.net.InetAddress.getByName(text); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
