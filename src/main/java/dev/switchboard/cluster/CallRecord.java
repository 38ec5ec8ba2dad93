package dev.switchboard.cluster;

import dev.switchboard.journal.JournaledCall;

import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A call as Redis holds it ({@code sb:call:{id}}): its owner with the owner's boot (the fencing token: a takeover
 * or a restart changes it), what a survivor needs to tell the bot it ended ({@link JournaledCall}), its state
 * ({@code live}, or {@code terminated} after a takeover, kept for the terminated retention), and the last webhook
 * sequence number the owner reserved for it ({@code seq}, 0 for none: written by {@link CallDirectory#reserveSequence}
 * ahead of each POST, and again when the owner rewrites its records).
 */
record CallRecord(String owner, JournaledCall call, String state, long lastSequence) {
    static final String LIVE = "live";
    static final String TERMINATED = "terminated";

    static String ownerToken(String nodeId, String boot) {
        return nodeId + "/" + boot;
    }

    /** The node of an owner token ({@code node/run}). */
    static String nodeOf(String ownerToken) {
        int slash = ownerToken.indexOf('/');
        return slash < 0 ? ownerToken : ownerToken.substring(0, slash);
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
        if (lastSequence > 0) {
            f.put("seq", Long.toString(lastSequence));
        }
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
                    f.getOrDefault("state", LIVE), Long.parseLong(f.getOrDefault("seq", "0")));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
