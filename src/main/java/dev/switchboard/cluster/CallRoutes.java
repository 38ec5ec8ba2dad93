package dev.switchboard.cluster;

import dev.switchboard.error.SwitchboardException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ids a conference of this node is reached by besides its live bot calls' records (docs/cluster.md), kept in
 * Redis so that any node hops a request on them here: an <em>alias</em> ({@code sb:alias:{callId}}: the new call of a
 * transfer out of a group call, which has no bot call, or a bot's call that ended while its conference goes on) and a
 * <em>move</em> ({@code sb:moved:{callId}:{userId}}: the call a user was moved out of, for that user only). Each is a
 * hash {@code owner} (the fencing token, as in a call record), {@code chain} (the conference), and for a move
 * {@code into} (the call id the user was moved to); each is listed in the node's {@code sb:noderoutes:{node}}, which
 * a survivor empties with the node's calls ({@link #bury}). All of a conference's go when it ends, fenced on the owner
 * and the conference (a move of the same user out of the same call into a later conference is not touched).
 *
 * <p>Thread-safe; the writes run with the conference's lock held (one Redis round trip each).
 */
final class CallRoutes {
    private static final Logger log = LoggerFactory.getLogger(CallRoutes.class);
    /** Deletes route KEYS[1] (and its entry in the node's set KEYS[2]) only while it is owner ARGV[1]'s for conference ARGV[2]. */
    private static final String IF_OWNER_DEL = "if redis.call('hget', KEYS[1], 'owner') == ARGV[1] "
            + "and redis.call('hget', KEYS[1], 'chain') == ARGV[2] then "
            + "redis.call('del', KEYS[1]); redis.call('srem', KEYS[2], KEYS[1]); return 1 end return 0";
    /**
     * A bot's call ended, its conference goes on: the call record KEYS[1] (owner ARGV[1] only) becomes the alias
     * KEYS[3] in one step, so no node ever finds neither.
     */
    private static final String CALL_TO_ALIAS = "if redis.call('hget', KEYS[1], 'owner') ~= ARGV[1] then return 0 end "
            + "redis.call('del', KEYS[1]) redis.call('srem', KEYS[2], ARGV[2]) "
            + "redis.call('hset', KEYS[3], 'owner', ARGV[1], 'chain', ARGV[3]) redis.call('sadd', KEYS[4], KEYS[3]) "
            + "return 1";

    /** One route this node keeps: its conference and its fields as written. */
    private record Entry(String chain, Map<String, String> fields) {
    }

    private final Redis redis;
    private final String nodeId;
    /** Redis key → entry: what this node has written (rewritten when Redis lost it). */
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Conference → its route keys (removed in one go when it ends). */
    private final Map<String, Set<String>> byChain = new ConcurrentHashMap<>();

    CallRoutes(Redis redis, String nodeId) {
        this.redis = redis;
        this.nodeId = nodeId;
    }

    /**
     * {@code callId} leads to conference {@code chain} here.
     *
     * @throws SwitchboardException SERVICE_UNAVAILABLE when Redis did not take it (the conference must not go on; its
     *                              end removes what may have been written)
     */
    void alias(String owner, String callId, String chain) {
        String key = Keys.alias(callId);
        Map<String, String> fields = Map.of("owner", owner, "chain", chain);
        keep(key, chain, fields);
        write(key, fields);
    }

    /** The owned bot call {@code callId} ended while its conference {@code chain} goes on: its record becomes an alias. */
    void callLeft(String owner, String callId, String chain) {
        String key = Keys.alias(callId);
        keep(key, chain, Map.of("owner", owner, "chain", chain));
        try {
            redis.call(j -> j.eval(CALL_TO_ALIAS, List.of(Keys.call(callId), Keys.nodeCalls(nodeId), key,
                    Keys.nodeRoutes(nodeId)), List.of(owner, callId, chain)));
        } catch (SwitchboardException e) {
            log.warn("cluster: callId={} left its conference; alias not written to Redis (rewritten when it returns)", callId);
        }
    }

    /** User {@code userId} moved out of {@code fromCallId} into {@code intoCallId} (conference {@code chain}). */
    void moved(String owner, String fromCallId, String userId, String intoCallId, String chain) {
        String key = Keys.moved(fromCallId, userId);
        Map<String, String> fields = Map.of("owner", owner, "chain", chain, "into", intoCallId);
        keep(key, chain, fields);
        try {
            write(key, fields);
        } catch (SwitchboardException e) {
            log.warn("cluster: move of userId={} out of callId={} not written to Redis (rewritten when it returns)",
                    userId, fromCallId);
        }
    }

    /** Conference {@code chain} ended: its routes go (one round trip when it had any, none otherwise). Never throws. */
    void ended(String owner, String chain) {
        Set<String> keys = byChain.remove(chain);
        if (keys == null) {
            return;
        }
        List<String> gone = keys.stream().filter(k -> entries.computeIfPresent(k,
                (key, e) -> e.chain().equals(chain) ? null : e) == null).toList();
        if (gone.isEmpty()) {
            return;
        }
        try {
            redis.pipeline(p -> {
                for (String key : gone) {
                    p.eval(IF_OWNER_DEL, List.of(key, Keys.nodeRoutes(nodeId)), List.of(owner, chain));
                }
            });
        } catch (SwitchboardException e) {
            log.warn("cluster: routes of ended callChainId={} not removed from Redis (a survivor removes them with "
                    + "the node)", chain);
        }
    }

    /** Whether {@code callId} is an alias of one of this node's conferences (no Redis round trip). */
    boolean isAlias(String callId) {
        return entries.containsKey(Keys.alias(callId));
    }

    /** Writes every route again (after Redis lost its data, or missed writes while unreachable). */
    void reassert(String owner) {
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            Map<String, String> fields = new java.util.HashMap<>(e.getValue().fields());
            fields.put("owner", owner);
            write(e.getKey(), fields);
        }
    }

    /** The call ids that lead to this node's conferences without a bot call of their own (no Redis round trip). */
    Set<String> aliasCallIds() {
        String prefix = Keys.alias("");
        Set<String> ids = new java.util.HashSet<>();
        for (String key : entries.keySet()) {
            if (key.startsWith(prefix)) {
                ids.add(key.substring(prefix.length()));
            }
        }
        return ids;
    }

    /** Forgets every route without touching Redis (the node was fenced: a survivor removed them). */
    void forgetAll() {
        entries.clear();
        byChain.clear();
    }

    private void keep(String key, String chain, Map<String, String> fields) {
        Entry old = entries.put(key, new Entry(chain, fields));
        if (old != null && !old.chain().equals(chain)) {
            byChain.computeIfPresent(old.chain(), (c, keys) -> {
                keys.remove(key);
                return keys.isEmpty() ? null : keys;
            });
        }
        byChain.computeIfAbsent(chain, c -> ConcurrentHashMap.newKeySet()).add(key);
    }

    private void write(String key, Map<String, String> fields) {
        redis.pipeline(p -> {
            p.hset(key, fields);
            p.sadd(Keys.nodeRoutes(nodeId), key);
        });
    }

    /** The call id an alias key names, or null for a move's key. */
    static String aliasedCallId(String key) {
        return key.startsWith(Keys.ALIAS_PREFIX) ? key.substring(Keys.ALIAS_PREFIX.length()) : null;
    }

    /**
     * A survivor's part of burying {@code deadId}: removes the routes its run {@code deadOwner} still owns and its
     * set, and returns the aliases removed (call id → conference), whose roster streams end with it.
     */
    static Map<String, String> bury(Redis redis, String deadId, String deadOwner) {
        Map<String, String> aliases = new java.util.HashMap<>();
        for (String key : redis.call(j -> j.smembers(Keys.nodeRoutes(deadId)))) {
            Map<String, String> f = redis.call(j -> j.hgetAll(key));
            if (!deadOwner.equals(f.get("owner")) || f.get("chain") == null) {
                continue;
            }
            Object done = redis.call(j -> j.eval(IF_OWNER_DEL, List.of(key, Keys.nodeRoutes(deadId)),
                    List.of(deadOwner, f.get("chain"))));
            String callId = aliasedCallId(key);
            if (Long.valueOf(1).equals(done) && callId != null) {
                aliases.put(callId, f.get("chain"));
            }
        }
        redis.call(j -> j.del(Keys.nodeRoutes(deadId)));
        return aliases;
    }
}
