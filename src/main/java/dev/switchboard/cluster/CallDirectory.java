package dev.switchboard.cluster;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.journal.CallJournal;
import dev.switchboard.journal.JournaledCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Which node owns which call, kept in Redis by the owner: a {@link CallJournal} in front of the node's own
 * journal, so the engine's three journal points (created, participants changed, ended) also write the call's
 * {@link CallRecord}. A call whose record cannot be written is not created (the engine's journal contract: 503).
 * Updates and deletes are fenced: they apply only while the record still names this node's current run as owner
 * (a survivor that took the call over wins).
 *
 * <p>Thread-safe; the journal methods run with the call's conference lock held (one Redis round trip each).
 */
final class CallDirectory implements CallJournal {
    private static final Logger log = LoggerFactory.getLogger(CallDirectory.class);
    /** Deletes or updates a hash only while its owner field is ARGV[1]. */
    private static final String IF_OWNER_DEL = "if redis.call('hget', KEYS[1], 'owner') == ARGV[1] then "
            + "redis.call('del', KEYS[1]); redis.call('srem', KEYS[2], ARGV[2]); return 1 end return 0";
    private static final String IF_OWNER_SET = "if redis.call('hget', KEYS[1], 'owner') == ARGV[1] then "
            + "redis.call('hset', KEYS[1], ARGV[2], ARGV[3]); return 1 end return 0";

    private final Redis redis;
    private final CallJournal local;
    private final String nodeId;
    private final Supplier<String> boot;
    private final Map<String, JournaledCall> owned = new ConcurrentHashMap<>();
    /** The last webhook sequence number reserved per owned call (rewritten with the record after a Redis outage). */
    private final Map<String, Long> sequences = new ConcurrentHashMap<>();
    /** The other ids this node's conferences are found by: aliases and moved users' old ids. */
    private final CallRoutes routes;

    CallDirectory(Redis redis, CallJournal local, String nodeId, Supplier<String> boot) {
        this.redis = redis;
        this.local = local;
        this.nodeId = nodeId;
        this.boot = boot;
        this.routes = new CallRoutes(redis, nodeId);
    }

    /**
     * What Redis knows of a call id: its call record, else the owner of an alias of it, else (for one user) of that
     * user's move out of it.
     *
     * @param record the call's record, or null
     * @param owner  the owner token of the record, alias or move found
     */
    record Found(CallRecord record, String owner) {
    }

    private String me() {
        return CallRecord.ownerToken(nodeId, boot.get());
    }

    @Override
    public void callCreated(JournaledCall call) {
        write(new CallRecord(me(), call, CallRecord.LIVE, 0)); // first: a call Redis does not know is not created
        local.callCreated(call);
        owned.put(call.callId(), call);
    }

    /** The call's Redis record first (any node may receive the bot's answer), then the local journal's ringing record. */
    @Override
    public void callRinging(JournaledCall call) {
        write(new CallRecord(me(), call, CallRecord.LIVE, 0));
        local.callRinging(call);
        owned.put(call.callId(), call);
    }

    /** The call's Redis record first (a node hopping a request here reads it), then the local journal, unforced. */
    @Override
    public void callUpdated(JournaledCall call) {
        write(new CallRecord(me(), call, CallRecord.LIVE, 0)); // 0: leaves the reserved "seq" field as it is
        local.callUpdated(call);
        owned.put(call.callId(), call);
    }

    private void write(CallRecord r) {
        redis.pipeline(p -> {
            p.hset(Keys.call(r.call().callId()), r.fields());
            p.sadd(Keys.nodeCalls(nodeId), r.call().callId());
        });
    }

    @Override
    public void participantsChanged(String callId, List<String> participantIds) {
        local.participantsChanged(callId, participantIds);
        JournaledCall c = owned.computeIfPresent(callId, (id, old) -> old.withParticipants(participantIds));
        if (c == null) {
            return;
        }
        try {
            redis.call(j -> j.eval(IF_OWNER_SET, List.of(Keys.call(callId)),
                    List.of(me(), "participants", String.join("\n", participantIds))));
        } catch (SwitchboardException e) {
            log.warn("cluster: participants of callId={} not written to Redis (rewritten when it returns)", callId);
        }
    }

    @Override
    public void callEnded(String callId) {
        local.callEnded(callId);
        sequences.remove(callId);
        if (owned.remove(callId) == null) {
            return;
        }
        try {
            redis.call(j -> j.eval(IF_OWNER_DEL, List.of(Keys.call(callId), Keys.nodeCalls(nodeId)), List.of(me(), callId)));
        } catch (SwitchboardException e) {
            log.warn("cluster: end of callId={} not written to Redis (its record expires with the node's calls)", callId);
        }
    }

    /** The bot's call ended but its conference goes on here: its record becomes an alias (one script). */
    @Override
    public void callLeft(String callId, String conferenceId) {
        local.callEnded(callId);
        sequences.remove(callId);
        if (owned.remove(callId) == null) {
            return; // not this run's (fenced): the survivor's now
        }
        routes.callLeft(me(), callId, conferenceId);
    }

    /** A call id with no bot call (a transfer's new call): other nodes find this node by it. Throws like a create. */
    @Override
    public void aliasAdded(String callId, String conferenceId) {
        local.aliasAdded(callId, conferenceId);
        routes.alias(me(), callId, conferenceId);
    }

    @Override
    public void userMoved(String fromCallId, String userId, String intoCallId, String conferenceId) {
        local.userMoved(fromCallId, userId, intoCallId, conferenceId);
        routes.moved(me(), fromCallId, userId, intoCallId, conferenceId);
    }

    @Override
    public void conferenceEnded(String conferenceId) {
        local.conferenceEnded(conferenceId);
        routes.ended(me(), conferenceId);
    }

    /** Whether this node owns the call, or holds a conference by that id (no Redis round trip). */
    boolean ownsLocally(String callId) {
        return owned.containsKey(callId) || routes.isAlias(callId);
    }

    /** The calls this node owns now. */
    Map<String, JournaledCall> owned() {
        return Map.copyOf(owned);
    }

    /** Forgets a call without touching Redis (the node was fenced: the record is the survivor's now). */
    void forget(String callId) {
        owned.remove(callId);
        sequences.remove(callId);
    }

    /** The call ids of this node's aliases (conferences reached without a bot call of their own). */
    java.util.Set<String> aliasCallIds() {
        return routes.aliasCallIds();
    }

    /** Forgets the aliases and moves without touching Redis (the node was fenced: the survivor removed them). */
    void forgetRoutes() {
        routes.forgetAll();
    }

    /**
     * Notes {@code sequence} as the call's last webhook sequence number and, when {@code toRedis}, writes it (field
     * {@code seq}, fenced on this run's ownership) before the POST carrying it is first sent, so that a survivor that
     * takes the call over continues after it; while Redis is unreachable it is written by the next {@link #reassert}.
     * Does nothing for a call this node does not own (ended, fenced, or a survivor's announcement). At most one Redis
     * round trip; never throws.
     */
    void reserveSequence(String callId, long sequence, boolean toRedis) {
        if (!owned.containsKey(callId)) {
            return;
        }
        sequences.merge(callId, sequence, Math::max);
        if (!owned.containsKey(callId)) {
            sequences.remove(callId); // ended meanwhile
            return;
        }
        if (!toRedis) {
            return;
        }
        try {
            redis.call(j -> j.eval(IF_OWNER_SET, List.of(Keys.call(callId)), List.of(me(), "seq", Long.toString(sequence))));
        } catch (SwitchboardException e) {
            log.debug("cluster: webhook sequence of callId={} not written (rewritten when Redis returns)", callId);
        }
    }

    /** Writes every owned call's record again (after Redis lost its data, or this node's run changed). */
    void reassert() {
        for (JournaledCall c : owned.values()) {
            write(new CallRecord(me(), c, CallRecord.LIVE, sequences.getOrDefault(c.callId(), 0L)));
        }
        routes.reassert(me());
    }

    /**
     * What Redis knows of {@code callId} (one round trip): its record, else an alias of it, else, when {@code userId}
     * is not null, that user's move out of it; null when nothing.
     */
    Found lookup(String callId, String userId) {
        Replies got = redis.read(p -> {
            var record = p.hgetAll(Keys.call(callId));
            var alias = p.hget(Keys.alias(callId), "owner");
            var moved = userId == null ? null : p.hget(Keys.moved(callId, userId), "owner");
            return () -> new Replies(record.get(), alias.get(), moved == null ? null : moved.get());
        });
        CallRecord r = CallRecord.of(callId, got.record());
        if (r != null) {
            return new Found(r, r.owner());
        }
        String owner = got.aliasOwner() != null ? got.aliasOwner() : got.movedOwner();
        return owner == null ? null : new Found(null, owner);
    }

    /** The lookup's three answers, as Redis gave them. */
    private record Replies(Map<String, String> record, String aliasOwner, String movedOwner) {
    }
}
