package dev.switchboard.cluster;

import java.util.Locale;

/**
 * A node as it reports itself to Redis every second (LiveKit's node record, adapted): who it is, where other nodes
 * and clients reach it, and its load. Stored as one tab-separated string under {@code sb:node:{id}} with the
 * heartbeat TTL, so a node that stops reporting disappears by itself.
 *
 * @param id           the node id (stable across restarts: persisted in the data directory)
 * @param boot         this process's run of the node (a new one per start, and after the node was fenced)
 * @param url          the node's base URL (node-to-node hops go there)
 * @param mediaAddress the address its media legs advertise
 * @param calls        live calls owned by the node
 * @param cpu          process CPU load, 0..1 (negative when unknown)
 * @param draining     the node takes no new calls (SIGTERM received)
 */
public record NodeInfo(String id, String boot, String url, String mediaAddress, int calls, double cpu, boolean draining) {

    String encode() {
        return String.join("\t", id, boot, url, mediaAddress, Integer.toString(calls),
                String.format(Locale.ROOT, "%.3f", cpu), draining ? "draining" : "serving");
    }

    /** The record, or null when {@code text} is not one (a foreign or older value: such a node is ignored). */
    static NodeInfo decode(String text) {
        if (text == null) {
            return null;
        }
        String[] f = text.split("\t", -1);
        if (f.length != 7) {
            return null;
        }
        try {
            return new NodeInfo(f[0], f[1], f[2], f[3], Integer.parseInt(f[4]), Double.parseDouble(f[5]), "draining".equals(f[6]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Placement order: fewer calls first, then less CPU. */
    double load() {
        return calls + Math.max(0, cpu);
    }
}
