package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.BearerAuthenticator;
import dev.switchboard.auth.Principal;
import dev.switchboard.cluster.ClusterNode;
import dev.switchboard.cluster.NodeHop;
import dev.switchboard.cluster.NodeInfo;
import dev.switchboard.cluster.Route;
import dev.switchboard.core.CallState;
import dev.switchboard.core.ResultInfo;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.graph.CallJson;
import dev.switchboard.graph.GraphWire;
import dev.switchboard.journal.JournaledCall;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cluster mode's front door, a {@code before} filter ahead of every route: a request on a call that lives on
 * another node is hopped there ({@link NodeHop}) and the owner's answer is written back unchanged; a new call (a
 * bot's create or a user's dial) is placed on the least-loaded node (hopped there unless that is this node); a call whose node died answers
 * {@code GET} as {@code terminated} (to its own app) until its record expires. Everything else runs here as usual.
 * Request threads.
 */
final class ClusterRouting {
    /** A request on one call: the Graph API's and the client API's paths. */
    private static final Pattern ON_CALL = Pattern.compile(
            "(?i)/(?:v1\\.0/(?:communications|app)|client/v1)/calls/([^/]+)(/.*)?");
    private static final Pattern CREATE = Pattern.compile("(?i)/v1\\.0/(?:communications|app)/calls/?");
    /** A user dials a bot (docs/inbound-calls.md): the call is placed like a create. */
    private static final Pattern DIAL = Pattern.compile("(?i)/client/v1/apps/[^/]+/calls/?");
    private static final Pattern GET_CALL = Pattern.compile("(?i)/v1\\.0/(?:communications|app)/calls/[^/]+/?");
    /** A user's request on a call (the client API): an old call id may lead the user to the call they were moved to. */
    private static final Pattern CLIENT_CALL = Pattern.compile("(?i)/client/v1/calls/.*");

    private final ClusterNode node;
    private final NodeHop hop;
    private final BearerAuthenticator authenticator;
    /** {@code GET /recordings/{id}}: served where the recording was made. */
    private static final Pattern RECORDING = Pattern.compile("/recordings/([^/]+)");
    private volatile java.util.function.Predicate<String> recordingHere = id -> true;

    ClusterRouting(ClusterNode node, NodeHop hop, BearerAuthenticator authenticator) {
        this.node = node;
        this.hop = hop;
        this.authenticator = authenticator;
    }

    /** Which recordings are kept on this node (the others are asked for the rest). */
    void recordingsHere(java.util.function.Predicate<String> here) {
        this.recordingHere = here;
    }

    /**
     * Routes the request (see the class). When routing fails for want of Redis or of the owner (503), a request with
     * no valid token is answered here instead, 401 as on any node: the token is checked only then, since otherwise
     * the node that runs the request checks it.
     */
    void route(Context ctx) {
        try {
            routeOrThrow(ctx);
        } catch (SwitchboardException e) {
            if (e.code() != ErrorCode.SERVICE_UNAVAILABLE || authenticates(ctx)) {
                throw e;
            }
        }
    }

    private void routeOrThrow(Context ctx) {
        String path = ctx.path();
        String method = ctx.method().name();
        if ("websocket".equalsIgnoreCase(ctx.header("Upgrade"))) {
            return; // roster streams are served here (fed through Redis)
        }
        String client = ctx.header(NodeHop.CLIENT_HEADER);
        if (hop.verify(ctx.header(NodeHop.HEADER), method, path, client)) {
            if (client != null) {
                ctx.attribute(dev.switchboard.client.ClientHandler.HOPPED_CLIENT_ADDRESS, client); // the join's media check
            }
            return; // a hop runs where it landed
        }
        if ("POST".equals(method) && (CREATE.matcher(path).matches() || DIAL.matcher(path).matches())) {
            NodeInfo target = node.placement();
            if (!target.id().equals(node.nodeId())) {
                forward(ctx, target);
            }
            return;
        }
        Matcher rec = RECORDING.matcher(path);
        if ("GET".equals(method) && rec.matches()) {
            if (!recordingHere.test(rec.group(1))) {
                fetchRecording(ctx);
            }
            return;
        }
        Matcher m = ON_CALL.matcher(path);
        if (!m.matches()) {
            return;
        }
        Route route = node.route(m.group(1));
        if (route instanceof Route.Unknown && CLIENT_CALL.matcher(path).matches()) {
            String user = userOf(ctx);
            if (user != null) {
                route = node.route(m.group(1), user); // moved out of that call (docs/cluster.md): to where they went
            }
        }
        switch (route) {
            case Route.Local l -> { }
            case Route.Unknown u -> { }
            case Route.Remote r -> forward(ctx, r.owner());
            case Route.Terminated t -> answerTerminated(ctx, t.call(), "GET".equals(method) && GET_CALL.matcher(path).matches());
        }
    }

    private boolean authenticates(Context ctx) {
        try {
            authenticator.authenticate(ctx.header("Authorization"));
            return true;
        } catch (SwitchboardException e) {
            return false;
        }
    }

    /** The user who sent the request, or null (not a user, or no valid token: the handler here answers that). */
    private String userOf(Context ctx) {
        try {
            Principal p = authenticator.authenticate(ctx.header("Authorization"));
            return p.appOnly() ? null : p.userId();
        } catch (SwitchboardException e) {
            return null;
        }
    }

    /**
     * A recording made on another node: no record says which (recordings are rare and short-lived), so the other
     * live nodes are asked in turn, each with one hop, until one has it; when none has it, this node answers (404 or
     * 401, as on one server). Costs up to one hop per other node.
     */
    private void fetchRecording(Context ctx) {
        for (NodeInfo n : node.nodes().values()) {
            if (n.id().equals(node.nodeId())) {
                continue;
            }
            NodeHop.Response r;
            try {
                r = hop.forward(n.url(), request(ctx));
            } catch (SwitchboardException unreachable) {
                continue;
            }
            if (r.status() != 404) { // 401: it has it, the token is wrong (or missing, which every node answers alike)
                write(ctx, r);
                return;
            }
        }
    }

    private NodeHop.Request request(Context ctx) {
        String query = ctx.queryString();
        return new NodeHop.Request(ctx.method().name(),
                ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query), headers(ctx), hopBody(ctx),
                ctx.req().getRemoteAddr());
    }

    /**
     * The body to hop: as it came, or, past the server's request limit, its first limit + 1 bytes. The owner then
     * answers exactly as it answers the whole body (a refusal that names the limit, or the route's answer when it
     * ignores bodies), and this node never holds more than that.
     */
    private static byte[] hopBody(Context ctx) {
        try {
            return ctx.req().getInputStream().readNBytes((int) HttpListeners.MAX_REQUEST_BYTES + 1);
        } catch (java.io.IOException e) {
            throw SwitchboardException.badRequest("The request body could not be read.");
        }
    }

    private void forward(Context ctx, NodeInfo target) {
        write(ctx, hop.forward(target.url(), request(ctx)));
    }

    private void write(Context ctx, NodeHop.Response r) {
        ctx.status(r.status());
        r.headers().forEach((name, values) -> {
            if (!values.isEmpty()) {
                ctx.header(name, values.get(0));
            }
        });
        ctx.result(r.body());
        ctx.skipRemainingHandlers();
    }

    private static Map<String, List<String>> headers(Context ctx) {
        Map<String, List<String>> h = new java.util.LinkedHashMap<>();
        for (String name : java.util.Collections.list(ctx.req().getHeaderNames())) {
            h.put(name, java.util.Collections.list(ctx.req().getHeaders(name)));
        }
        return h;
    }

    /** The call's node died and a survivor ended it: its own app may still read it, as terminated. */
    private void answerTerminated(Context ctx, JournaledCall call, boolean isGet) {
        Principal p = authenticator.authenticate(ctx.header("Authorization"));
        if (!isGet || !call.appId().equals(p.appId()) || !call.tenantId().equals(p.tenantId())) {
            throw SwitchboardException.callNotFound(call.callId()); // as for an unknown id: nothing leaks to other apps
        }
        ObjectNode n = CallJson.callState(call.callId(), call.callChainId(), call.myParticipantId(), CallState.TERMINATED,
                ResultInfo.NODE_LOST);
        n.put("tenantId", call.tenantId());
        n.put("callbackUri", call.callbackUri().toString());
        ctx.status(200).contentType("application/json").result(GraphWire.bytes(n));
        ctx.skipRemainingHandlers();
    }
}
