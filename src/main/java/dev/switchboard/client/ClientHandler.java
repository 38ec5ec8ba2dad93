package dev.switchboard.client;

import dev.switchboard.auth.BearerAuthenticator;
import dev.switchboard.auth.CallsPermission;
import dev.switchboard.auth.Principal;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.CallCommand;
import dev.switchboard.core.Caller;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.core.JoinResult;
import dev.switchboard.core.ParticipantView;
import dev.switchboard.graph.CallJson;
import dev.switchboard.graph.GraphWire;
import io.javalin.http.Context;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConnectContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * The participants' client API: join with an SDP offer (WHIP-style, RFC 9725's HTTP pattern with plain
 * RTP/AVP), leave, self-mute, and the live roster over a WebSocket. Only delegated user tokens are accepted.
 * Request threads and WebSocket callbacks (docs/concurrency.md); every request on a call goes through the router.
 */
public final class ClientHandler {
    private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);
    private static final String SLOT = "switchboard.rosterSlot";
    /** Cluster mode: the joining client's address as the entry node saw it, set only on a verified node-to-node hop. */
    public static final String HOPPED_CLIENT_ADDRESS = "switchboard.hoppedClientAddress";

    private final CallRouter calls;
    private final BearerAuthenticator authenticator;
    private final RosterStreams rosterStreams;
    private final java.time.Duration pingPeriod;

    /** @param pingPeriod how often a roster stream is pinged: within the WebSocket idle timeout (half of it) */
    public ClientHandler(CallRouter calls, BearerAuthenticator authenticator, RosterStreams rosterStreams,
                         java.time.Duration pingPeriod) {
        this.calls = calls;
        this.authenticator = authenticator;
        this.rosterStreams = rosterStreams;
        this.pingPeriod = pingPeriod;
    }

    /** {@code POST /client/v1/calls/{callId}/participants}: 201, Location, the SDP answer. */
    public void join(Context ctx) {
        Caller user = user(ctx.header("Authorization"));
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/sdp")) {
            throw new SwitchboardException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "The join body must be an SDP offer with Content-Type: application/sdp.");
        }
        String callId = ctx.pathParam("callId");
        JoinResult joined = calls.send(new CallCommand.Join(callId, user, ctx.body(), remoteAddress(ctx)));
        ctx.status(201);
        ctx.header("Location", "/client/v1/calls/" + callId + "/participants/" + joined.participantId());
        ctx.contentType("application/sdp");
        ctx.result(joined.sdpAnswer());
    }

    /**
     * {@code GET /client/v1/meetings/{joinMeetingId}[?passcode=…]}: {@code {"callId","joinMeetingId"}} of the live group
     * call with that meeting id in the user's tenant (the join page's {@code /join?meeting=}); 404 otherwise.
     */
    public void findMeeting(Context ctx) {
        Caller user = user(ctx.header("Authorization"));
        String joinMeetingId = ctx.pathParam("joinMeetingId");
        String callId = calls.send(new CallCommand.FindMeeting(joinMeetingId, ctx.queryParam("passcode"), user));
        ctx.json(java.util.Map.of("callId", callId, "joinMeetingId", joinMeetingId));
    }

    /** The TCP peer's address (proxies' headers are not trusted): where the joining client's media may go. Null if odd. */
    private static java.net.InetAddress remoteAddress(Context ctx) {
        String text = ctx.attribute(HOPPED_CLIENT_ADDRESS) instanceof String hopped ? hopped : ctx.req().getRemoteAddr();
        if (text == null || text.isEmpty() || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return null;
        }
        try {
            return java.net.InetAddress.getByName(text); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** {@code DELETE /client/v1/calls/{callId}/participants/{participantId}}: 204. */
    public void leave(Context ctx) {
        calls.send(new CallCommand.Leave(ctx.pathParam("callId"), ctx.pathParam("participantId"),
                user(ctx.header("Authorization"))));
        ctx.status(204);
    }

    /**
     * {@code PATCH …/{participantId}} (RFC 9725 trickle ICE and ICE restart): not supported, and said so as RFC 9725
     * §4.3.1 allows: 405 with {@code Allow: DELETE}, as a Graph error, once the caller is known to be a user. The
     * server is ICE-lite and learns the browser's address from its checks, so trickled candidates are not needed; an
     * ICE restart is a new join (same participant, new leg).
     */
    public void patch(Context ctx) {
        user(ctx.header("Authorization"));
        ctx.header("Allow", "DELETE");
        throw new SwitchboardException(ErrorCode.METHOD_NOT_ALLOWED, "Trickle ICE and ICE restart (PATCH) are not "
                + "supported: the server is ICE-lite and needs no trickled candidates; to restart ICE, join again with a new offer.");
    }

    /** {@code POST …/{participantId}/mute}: the participant's own mute; 200 with the participant. */
    public void mute(Context ctx) {
        setMuted(ctx, true);
    }

    /** {@code POST …/{participantId}/unmute}: lifts the own mute (never a server mute, unless the call allows it). */
    public void unmute(Context ctx) {
        setMuted(ctx, false);
    }

    private void setMuted(Context ctx, boolean muted) {
        ParticipantView p = calls.send(new CallCommand.SetClientMuted(ctx.pathParam("callId"),
                ctx.pathParam("participantId"), muted, user(ctx.header("Authorization"))));
        ctx.status(200).contentType("application/json").result(GraphWire.bytes(CallJson.participant(p)));
    }

    /**
     * Before the roster WebSocket upgrade: a user token of a participant of that call (401/403/404 otherwise,
     * as Graph errors), within the roster stream limits (429 with {@code Retry-After} otherwise). The token comes in
     * the {@code Authorization} header, or in an {@code access_token} query parameter for clients that cannot set
     * headers on a WebSocket (browsers).
     */
    public void beforeRosterUpgrade(Context ctx) {
        Caller user = user(authorization(ctx.header("Authorization"), ctx.queryParam("access_token")));
        String callId = ctx.pathParam("callId");
        // a refusal for too many streams carries its Retry-After (the Graph error mapper writes it)
        ctx.attribute(SLOT, rosterStreams.reserve(callId, user, calls.send(new CallCommand.GetRoster(callId, user)),
                "true".equals(ctx.queryParam("levels")))); // levels messages only for readers that ask (the join page)
    }

    /** The roster WebSocket connected: the whole roster first, then the changes (see {@link RosterStreams}). */
    public void rosterConnected(WsConnectContext ctx) {
        RosterSlot slot = ctx.attribute(SLOT);
        WebSocketRosterChannel channel = new WebSocketRosterChannel(ctx.session);
        // a call where nothing changes sends nothing (no levels on a node that does not hold the call): pings keep
        // the stream past the WebSocket idle timeout (--websocket-idle-timeout), as on the ring stream
        ctx.enableAutomaticPings(pingPeriod.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            rosterStreams.open(slot, channel, () -> calls.send(new CallCommand.GetRoster(slot.callId(), slot.user())));
        } catch (SwitchboardException e) {
            // only a race gets here: the call ended (or the participant left) since the upgrade was allowed
            log.info("roster stream refused callId={} reason={}", slot.callId(), e.code());
            channel.close(RosterFeed.SLOW_READER_CLOSE_CODE, e.getMessage());
        }
    }

    /** The roster WebSocket closed (either side): free its slot. */
    public void rosterClosed(WsCloseContext ctx) {
        RosterSlot slot = ctx.attribute(SLOT);
        if (slot != null) {
            rosterStreams.close(slot);
        }
    }

    private static String authorization(String header, String accessToken) {
        if (header == null && accessToken != null && !accessToken.isBlank()) {
            return "Bearer " + accessToken;
        }
        return header;
    }

    private Caller user(String authorizationHeader) {
        Principal p = authenticator.authenticate(authorizationHeader);
        CallsPermission.requireUser(p);
        return Caller.user(p.tenantId(), p.appId(), p.userId(), p.displayName());
    }
}
