package dev.switchboard.cluster;

import dev.switchboard.core.LostCalls;
import dev.switchboard.core.ResultInfo;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.journal.JournaledCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A survivor's duty when a node's heartbeat expired: claim the dead run (atomically, once in the cluster, and only
 * if its record is still gone), mark each of its live calls {@code terminated} (fenced on the dead run's owner
 * token, kept for the retention given, {@code --terminated-retention}), tell each bot ({@link ResultInfo#NODE_LOST}) and the
 * roster streams, then remove the node from the registry. Each {@code terminated} POST is numbered after the
 * last webhook sequence number the dead owner reserved ({@link WebhookSequences}). The dead run's aliases and moves
 * ({@link CallRoutes}) are removed too, and the roster streams of conferences known only by an alias are ended as
 * well. Runs on the heartbeat thread. A node restarted after a crash does the same for its own previous run, unless
 * a survivor did ({@link #succeed}, on the thread that builds the server).
 */
public final class Takeover {
    private static final Logger log = LoggerFactory.getLogger(Takeover.class);
    /** Claims {@code dead}'s run: only while its record is absent and its run is still the registered one (again after an interrupted burial). */
    private static final String CLAIM = "if redis.call('exists', KEYS[1]) == 1 then return 0 end "
            + "if redis.call('hget', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end "
            + "local cur = redis.call('get', KEYS[3]) if cur == ARGV[3] then return 1 end if cur then return 0 end "
            + "redis.call('set', KEYS[3], ARGV[3], 'EX', 86400) return 1";
    /** Marks a call terminated, only while the dead run still owns it. */
    private static final String END = "if redis.call('hget', KEYS[1], 'owner') ~= ARGV[1] then return 0 end "
            + "redis.call('hset', KEYS[1], 'owner', ARGV[2], 'state', 'terminated') "
            + "redis.call('pexpire', KEYS[1], ARGV[3]) return 1";
    /** Claims this node's own previous run for its successor: only while no survivor has (again after an interrupted claim). */
    private static final String SUCCEED = "local cur = redis.call('get', KEYS[1]) if cur == ARGV[1] then return 1 end "
            + "if cur then return 0 end redis.call('set', KEYS[1], ARGV[1], 'EX', 86400) return 1";
    private static final String FORGET = "if redis.call('hget', KEYS[1], ARGV[1]) == ARGV[2] then "
            + "redis.call('hdel', KEYS[1], ARGV[1]) end redis.call('del', KEYS[2]) return 1";

    private final Redis redis;
    private final LostCalls bots;
    private final BiConsumer<String, String> rosterEnd;
    private final java.time.Duration retention;

    /**
     * @param bots      tells each bot its call is gone
     * @param rosterEnd tells the roster streams (on every node) of a call (its id, its call chain) that it ended
     * @param retention how long an ended call's record answers GET (then it expires: 404)
     */
    public Takeover(Redis redis, LostCalls bots, BiConsumer<String, String> rosterEnd, java.time.Duration retention) {
        this.redis = redis;
        this.retention = retention;
        this.bots = bots;
        this.rosterEnd = rosterEnd;
    }

    /** @param sequences where the survivor's {@code terminated} POSTs continue the dead owner's numbering */
    void bury(String deadId, String deadBoot, String survivor, WebhookSequences sequences) {
        try {
            Object claimed = redis.call(j -> j.eval(CLAIM, List.of(Keys.node(deadId), Keys.NODES, Keys.takeover(deadId, deadBoot)),
                    List.of(deadId, deadBoot, survivor)));
            if (!Long.valueOf(1).equals(claimed)) {
                return; // another survivor has it, or the node came back
            }
            List<JournaledCall> ended = endRun(deadId, deadBoot, survivor, sequences);
            log.warn("cluster: node {} (run {}) died; took over {} calls and ended them", deadId, deadBoot, ended.size());
        } catch (SwitchboardException e) {
            log.warn("cluster: burying node {} interrupted by Redis; the next heartbeat tries again", deadId);
        }
    }

    /**
     * A node restarted on its data directory after a crash, before it serves: its previous run's calls (the ones its
     * crash journal lists) are the cluster's to end, once. When a survivor already claimed that run, the survivor told
     * the bots of the calls it ended, and the journal says nothing more; any call it left live (its takeover cut short
     * by Redis: it does not try again once the node runs anew) is ended here, as the survivor would have. Otherwise this node claims the run as a survivor would and ends its calls the
     * same way ({@link ResultInfo#NODE_LOST}, numbering continued, aliases and roster streams too).
     *
     * @param previousRun the run the journal's calls belonged to ({@link RunFile}), or null when unknown
     * @param successor   this run's owner token
     * @return the journal's calls nobody in the cluster told their bots about (Redis no longer knows them, or the
     * previous run is unknown): the node tells those itself, as a single server does
     */
    List<JournaledCall> succeed(String nodeId, String previousRun, String successor, WebhookSequences sequences,
                                List<JournaledCall> journaled) {
        if (journaled.isEmpty() || previousRun == null) {
            return journaled;
        }
        try {
            Object claimed = redis.call(j -> j.eval(SUCCEED, List.of(Keys.takeover(nodeId, previousRun)), List.of(successor)));
            if (!Long.valueOf(1).equals(claimed)) {
                // a survivor claimed the run: it told the bots of the calls it ended. One whose takeover Redis cut short
                // does not try again (the run is no longer the registered one): what it left live is ended here, each
                // call once (END checks its owner), so nothing stays live for ever
                int left = endRun(nodeId, previousRun, successor, sequences).size();
                log.info("cluster: this node's previous run {} was taken over by a survivor, which told the bots; "
                        + "its {} journaled calls are not announced again ({} the survivor had left live ended now)",
                        previousRun, journaled.size(), left);
                return List.of();
            }
            Set<String> ended = new HashSet<>();
            for (JournaledCall c : endRun(nodeId, previousRun, successor, sequences)) {
                ended.add(c.callId());
            }
            log.warn("cluster: this node's previous run {} ended by a crash; ended its {} calls for the cluster",
                    previousRun, ended.size());
            return journaled.stream().filter(c -> !ended.contains(c.callId())).toList();
        } catch (SwitchboardException e) {
            log.warn("cluster: Redis failed while ending the previous run {}; its bots are told from the journal", previousRun);
            return journaled;
        }
    }

    /** Ends the live calls of a claimed run: records, bots, aliases and moves, roster streams; then forgets the run. */
    private List<JournaledCall> endRun(String deadId, String deadBoot, String survivor, WebhookSequences sequences) {
        String deadOwner = CallRecord.ownerToken(deadId, deadBoot);
        Set<String> callIds = redis.call(j -> j.smembers(Keys.nodeCalls(deadId)));
        List<JournaledCall> ended = new ArrayList<>();
        for (String callId : callIds) {
            CallRecord r = CallRecord.of(callId, redis.call(j -> j.hgetAll(Keys.call(callId))));
            if (r == null || !r.owner().equals(deadOwner) || !CallRecord.LIVE.equals(r.state())) {
                continue;
            }
            Object done = redis.call(j -> j.eval(END, List.of(Keys.call(callId)),
                    List.of(deadOwner, survivor, Long.toString(retention.toMillis()))));
            if (Long.valueOf(1).equals(done)) {
                ended.add(r.call());
                sequences.continueAfter(callId, r.lastSequence());
            }
        }
        Map<String, String> aliases = CallRoutes.bury(redis, deadId, deadOwner);
        bots.announce(ended, ResultInfo.NODE_LOST);
        Set<String> chains = new HashSet<>();
        for (JournaledCall c : ended) {
            if (chains.add(c.callChainId())) {
                rosterEnd.accept(c.callId(), c.callChainId());
            }
        }
        aliases.forEach((callId, chain) -> {
            if (chains.add(chain)) {
                rosterEnd.accept(callId, chain); // a conference whose bots had all left, or had none
            }
        });
        redis.call(j -> j.eval(FORGET, List.of(Keys.NODES, Keys.nodeCalls(deadId)), List.of(deadId, deadBoot)));
        return ended;
    }
}
