package dev.switchboard.cluster;

/** The cluster's Redis keys and channels, in one place (docs/cluster.md lists them). */
final class Keys {
    private Keys() {
    }

    /** Hash: node id → its current boot id (every node that has registered and not been buried). */
    static final String NODES = "sb:nodes";
    /** The node-to-node secret (SET NX once). */
    static final String SECRET = "sb:secret";
    /** The authority's key files (SET NX once). */
    static final String IDENTITY = "sb:identity";
    /** Integer: bumped whenever a key rotation changes {@link #IDENTITY} (nodes read it with every heartbeat). */
    static final String IDENTITY_VERSION = "sb:identity:version";
    /** Hash: node id → the identity version it has loaded (a rotation waits for every live node). */
    static final String IDENTITY_ACKS = "sb:identity:acks";
    /** String with TTL: the lock of the one key rotation running in the cluster. */
    static final String ROTATION_LOCK = "sb:rotation";
    /** Pub/sub channel of roster changes. */
    static final String ROSTER_CHANNEL = "sb:roster";

    /** String with TTL: the node's heartbeat record ({@link NodeInfo}). */
    static String node(String nodeId) {
        return "sb:node:" + nodeId;
    }

    /** Hash: a call's record (owner, bot address, participants, state). */
    static String call(String callId) {
        return "sb:call:" + callId;
    }

    static final String ALIAS_PREFIX = "sb:alias:";

    /** Hash: another id of a node's conference, one with no live bot call ({@link CallRoutes}). */
    static String alias(String callId) {
        return ALIAS_PREFIX + callId;
    }

    /** Hash: where user {@code userId}, moved out of call {@code callId}, went ({@link CallRoutes}). */
    static String moved(String callId, String userId) {
        return "sb:moved:" + callId + ":" + userId;
    }

    /** Set: the alias and move keys a node wrote (what a survivor removes). */
    static String nodeRoutes(String nodeId) {
        return "sb:noderoutes:" + nodeId;
    }

    /** Set: the calls a node owns. */
    static String nodeCalls(String nodeId) {
        return "sb:nodecalls:" + nodeId;
    }

    /** String: who took over a node's run (the fence its old process finds). */
    static String takeover(String nodeId, String boot) {
        return "sb:takeover:" + nodeId + ":" + boot;
    }
}
