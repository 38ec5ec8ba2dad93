package dev.switchboard.cluster;

import dev.switchboard.core.CallCommand;
import dev.switchboard.core.CallEngine;
import dev.switchboard.core.CallView;
import dev.switchboard.core.Caller;
import dev.switchboard.core.CreateCallRequest;
import dev.switchboard.core.RosterUpdate;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Cluster mode's router. HTTP requests on calls owned elsewhere never get here (the routing filter hops them to
 * the owner first, so the owner's engine answers them); what does get here runs on this node's engine, except the
 * roster snapshot a roster stream opened on this node needs: that is fetched from the owner
 * ({@value #ROSTER_PATH}…, a hop) and decoded by {@code rosterCodec}. Thread-safe.
 */
public final class ClusterCallRouter implements CallRouter {
    /** The owner's internal roster endpoint: {@code /cluster/v1/roster/{callId}/{tenant}/{app}/{user}}. */
    public static final String ROSTER_PATH = "/cluster/v1/roster/";
    /** The user's display name on the internal roster request. */
    public static final String DISPLAY_NAME_HEADER = "X-Switchboard-Display-Name";

    private final CallEngine engine;
    private final ClusterNode node;
    private final NodeHop hop;
    private final Function<String, RosterUpdate> rosterCodec;

    public ClusterCallRouter(CallEngine engine, ClusterNode node, NodeHop hop, Function<String, RosterUpdate> rosterCodec) {
        this.engine = engine;
        this.node = node;
        this.hop = hop;
        this.rosterCodec = rosterCodec;
    }

    @Override
    public CallView create(CreateCallRequest request, Caller app) {
        return engine.bots().create(request, app);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R send(CallCommand<R> command) {
        if (command instanceof CallCommand.GetRoster(String callId, Caller user)
                && node.route(callId, user.isUser() ? user.userId() : null) instanceof Route.Remote(NodeInfo owner)) {
            return (R) remoteRoster(owner, callId, user);
        }
        String replaced = switch (command) {
            case CallCommand.TransferReplacing t -> t.replacesCallId();
            case CallCommand.InviteReplacing i -> i.replacesCallId();
            case CallCommand.TransferParticipant t -> t.replacesCallId();
            default -> null;
        };
        if (replaced != null && node.route(replaced) instanceof Route.Remote(NodeInfo owner)) {
            throw new SwitchboardException(ErrorCode.CONFLICT, "Call '" + replaced + "' (replacesCallId) lives on node '"
                    + owner.id() + "', this call on node '" + node.nodeId() + "': a participant's media moves between calls "
                    + "of one node only (docs/cluster.md).");
        }
        return command.runOn(engine);
    }

    private RosterUpdate remoteRoster(NodeInfo owner, String callId, Caller user) {
        String path = ROSTER_PATH + enc(callId) + "/" + enc(user.tenantId()) + "/" + enc(user.appId()) + "/" + enc(user.userId());
        Map<String, List<String>> headers = user.displayName() == null ? Map.of()
                : Map.of(DISPLAY_NAME_HEADER, List.of(user.displayName()));
        NodeHop.Response r = hop.forward(owner.url(), new NodeHop.Request("GET", path, headers, new byte[0], null));
        return switch (r.status()) {
            case 200 -> rosterCodec.apply(new String(r.body(), StandardCharsets.UTF_8));
            case 403 -> throw new SwitchboardException(ErrorCode.FORBIDDEN, "You are not a participant of this call.");
            case 404 -> throw SwitchboardException.callNotFound(callId);
            default -> throw new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE,
                    "The node that holds this call did not answer; retry shortly.", Redis.RETRY_AFTER);
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
