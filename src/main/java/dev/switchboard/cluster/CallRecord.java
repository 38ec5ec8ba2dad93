package dev.switchboard.cluster;

import dev.switchboard.journal.JournaledCall;

import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A call as Redis holds it ({@code sb:call:{id}}): its owner with the owner's boot (the fencing token: a takeover
 * or a restart changes it), what a survivor needs to tell the bot it ended ({@link JournaledCall}), and its state
 * ({@code live}, or {@code terminated} after a takeover, kept for {@link ClusterNode#TERMINATED_RETENTION}).
 */
record CallRecord(String owner, JournaledCall call, String state) {
    static final String LIVE = "live";
    static final String TERMINATED = "terminated";

    static String ownerToken(String nodeId, String boot) {
        return nodeId + "/" + boot;
    }

    String ownerNode() {
        int slash = owner.indexOf('/');
        return slash < 0 ? owner : owner.substring(0, slash);
    }

    Map<String, String> fields() {
        Map<String, String> f = new HashMap<>();
        f.put("owner", owner);
        f.put("state", state);
        f.put("chain", call.callChainId());
        f.put("tenant", call.tenantId());
        f.put("app", call.appId());
        f.put("callback", call.callbackUri().toString());
        f.put("me", call.myParticipantId());
        f.put("participants", String.join("\n", call.participantIds()));
        return f;
    }

    /** The record, or null when {@code f} is empty or incomplete. */
    static CallRecord of(String callId, Map<String, String> f) {
        if (f == null || f.get("owner") == null || f.get("chain") == null || f.get("callback") == null) {
            return null;
        }
        String p = f.getOrDefault("participants", "");
        List<String> ids = p.isEmpty() ? List.of() : Arrays.asList(p.split("\n"));
        try {
            return new CallRecord(f.get("owner"), new JournaledCall(callId, f.get("chain"), f.getOrDefault("tenant", ""),
                    f.getOrDefault("app", ""), URI.create(f.get("callback")), f.getOrDefault("me", ""), ids),
                    f.getOrDefault("state", LIVE));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
