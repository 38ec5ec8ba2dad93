package dev.switchboard.cluster;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.journal.CallJournal;
import dev.switchboard.journal.JournaledCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * This process as a node of the cluster (docs/cluster.md): it heartbeats its {@link NodeInfo} into Redis every
 * second with a TTL, keeps a view of the live nodes for placement and routing, buries nodes whose heartbeat expired
 * (one survivor claims each dead run atomically and hands its calls to {@link Takeover}), and fences itself when it
 * finds that its own run was taken over (it was paused or cut off past the TTL): its calls are then the survivor's,
 * and {@code onFenced} ends them here without telling anyone.
 *
 * <p>Thread-safe. The heartbeat, view refresh and burial run on the {@code cluster-heartbeat} thread; {@link #route}
 * and {@link #placement} run on request threads and read the view without locks.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
    static final Duration HEARTBEAT_PERIOD = Duration.ofSeconds(1);
    /** Heartbeat: write the record, note this run, report whether the record had expired and whether a survivor fenced this run. */
    private static final String HEARTBEAT = "local prev = redis.call('get', KEYS[1]) "
            + "redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) redis.call('hset', KEYS[2], ARGV[3], ARGV[4]) "
            + "local v = tonumber(redis.call('get', KEYS[4]) or '-1') or -1 "
            + "local p = 0 if prev then p = 1 end return {p, redis.call('exists', KEYS[3]), v}";

    private final Redis redis;
    private final String nodeId;
    private final Duration ttl;
    private final IntSupplier liveCalls;
    private final CallDirectory directory;
    private final WebhookSequences sequences;
    private final Takeover takeover;
    private final ScheduledExecutorService heartbeat;
    private final com.sun.management.OperatingSystemMXBean os;
    private volatile Consumer<Fenced> onFenced = fenced -> { };
    private volatile Runnable onRecordMissing = () -> { };
    /** Null until the server follows key rotations (then the next heartbeat loads, and acknowledges, the version). */
    private volatile java.util.function.LongConsumer onIdentityChanged;
    /** The identity version (key rotations) last followed; -1 when Redis has none. Heartbeat thread only. */
    private long identityVersion = -1;
    private volatile String boot = newBoot();
    private volatile String url;
    private volatile String mediaAddress;
    private volatile boolean draining;
    private volatile Map<String, NodeInfo> live = Map.of();
    /** The URL of every node seen since start: a token issued by a node that died since is still the cluster's. */
    private final java.util.Set<String> seenUrls = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int MAX_SEEN_URLS = 4096;
    /** When the heartbeats started succeeding without a break (nanoTime), or -1 while Redis fails. */
    private volatile long healthySince = -1;

    /**
     * @param localJournal the node's own journal, written behind the cluster's call records
     * @param liveCalls    the node's live calls (its load)
     * @param takeover     what a survivor does with a dead node's calls
     */
    public ClusterNode(Redis redis, String nodeId, Duration ttl, CallJournal localJournal, IntSupplier liveCalls,
                       Takeover takeover) {
        this.redis = redis;
        this.nodeId = nodeId;
        this.ttl = ttl;
        this.liveCalls = liveCalls;
        this.takeover = takeover;
        this.directory = new CallDirectory(redis, localJournal, nodeId, () -> boot);
        this.sequences = new WebhookSequences(directory, () -> healthySince >= 0);
        this.os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    private static String newBoot() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** The journal the engine writes: the cluster's call records in front of the node's own. */
    public CallJournal journal() {
        return directory;
    }

    /** Where the webhook notifier keeps calls' sequence numbers (so that a survivor continues them). */
    public WebhookSequences webhookSequences() {
        return sequences;
    }

    public String nodeId() {
        return nodeId;
    }

    /** What to do with this node's calls when it finds it was fenced (end them without telling anyone). */
    public void onFenced(Consumer<Fenced> action) {
        this.onFenced = action;
    }

    /**
     * What else to write when this node finds its record missing (first start, or Redis came back empty): the
     * cluster-wide values it holds (SET NX, so the first writer wins and nothing changes when they are there).
     */
    public void onRecordMissing(Runnable action) {
        this.onRecordMissing = action;
    }

    /** What to do when a key rotation changed the cluster's identity (its version, from the heartbeat). */
    public void onIdentityChanged(java.util.function.LongConsumer action) {
        this.onIdentityChanged = action;
    }

    /** Registers (one heartbeat now: fails fast when Redis is not there) and heartbeats every second from now on. */
    public void start(String url, String mediaAddress) {
        this.url = url;
        this.mediaAddress = mediaAddress;
        beat();
        if (healthySince < 0) {
            throw new IllegalStateException("cannot register with Redis at " + redis + " (is it running?)");
        }
        long period = HEARTBEAT_PERIOD.toMillis();
        heartbeat.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
        log.info("cluster: node registered nodeId={} boot={} url={} redis={}", nodeId, boot, url, redis);
    }

    /** No new calls are placed here from now on (the next heartbeat tells the others). */
    public void drain() {
        draining = true;
        try {
            beat();
        } catch (RuntimeException e) {
            log.warn("cluster: drain not announced yet", e);
        }
    }

    /** One heartbeat: report, check the fence, refresh the view, bury the dead. Never throws. */
    synchronized void beat() {
        try {
            NodeInfo me = new NodeInfo(nodeId, boot, url, mediaAddress, liveCalls.getAsInt(), os.getProcessCpuLoad(), draining);
            @SuppressWarnings("unchecked")
            List<Long> r = (List<Long>) redis.call(j -> j.eval(HEARTBEAT,
                    List.of(Keys.node(nodeId), Keys.NODES, Keys.takeover(nodeId, boot), Keys.IDENTITY_VERSION),
                    List.of(me.encode(), Long.toString(ttl.toMillis()), nodeId, boot)));
            boolean hadRecord = r.get(0) == 1L;
            boolean fenced = r.get(1) == 1L;
            if (fenced) {
                fence();
                return;
            }
            if (!hadRecord && healthySince >= 0) {
                log.warn("cluster: this node's record had expired (paused, or Redis lost its data): rewriting its calls");
            }
            if (!hadRecord || healthySince < 0) {
                directory.reassert(); // Redis lost its data, or missed what happened while unreachable (sequence numbers)
            }
            if (!hadRecord) {
                onRecordMissing.run();
            }
            if (healthySince < 0) {
                healthySince = System.nanoTime();
            }
            followIdentity(r.get(2));
            refreshView();
        } catch (SwitchboardException e) {
            if (healthySince >= 0) {
                log.warn("cluster: Redis unreachable; calls go on, requests that need Redis get 503 until it returns");
            }
            healthySince = -1;
        } catch (RuntimeException e) {
            log.error("cluster: heartbeat failed", e);
        }
    }

    private void followIdentity(long version) {
        java.util.function.LongConsumer follow = onIdentityChanged;
        if (version == identityVersion || follow == null) {
            return;
        }
        if (version >= 0) {
            try {
                follow.accept(version);
            } catch (RuntimeException e) {
                log.warn("cluster: could not follow key rotation version={} (next heartbeat tries again): {}", version, e.toString());
                return;
            }
            log.info("cluster: following key rotation version={}", version);
        }
        identityVersion = version;
    }

    private void refreshView() {
        Map<String, String> runs = redis.call(j -> j.hgetAll(Keys.NODES));
        List<String> ids = new ArrayList<>(runs.keySet());
        List<String> records = ids.isEmpty() ? List.of()
                : redis.call(j -> j.mget(ids.stream().map(Keys::node).toArray(String[]::new)));
        Map<String, NodeInfo> view = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            NodeInfo n = NodeInfo.decode(records.get(i));
            if (n != null) {
                view.put(n.id(), n);
            } else if (!ids.get(i).equals(nodeId) && mayJudge()) {
                takeover.bury(ids.get(i), runs.get(ids.get(i)), CallRecord.ownerToken(nodeId, boot), sequences);
            }
        }
        live = Map.copyOf(view);
        for (NodeInfo n : view.values()) {
            if (seenUrls.size() < MAX_SEEN_URLS) {
                seenUrls.add(n.url().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    /**
     * Whether this node may declare others dead: only after its own heartbeats have succeeded for longer than the
     * TTL (after a Redis outage every node first gets the chance to report again).
     */
    private boolean mayJudge() {
        long since = healthySince;
        return since >= 0 && System.nanoTime() - since > ttl.plus(HEARTBEAT_PERIOD).toNanos();
    }

    /**
     * What a fenced run held: its bot calls, and the ids of its conferences that no bot call of their own leads to (a
     * transfer's new call, a call its bot left). A survivor ended them all for the cluster; here they end silently.
     */
    public record Fenced(Map<String, JournaledCall> calls, java.util.Set<String> aliasCallIds) {
        public Fenced {
            calls = Map.copyOf(calls);
            aliasCallIds = java.util.Set.copyOf(aliasCallIds);
        }

        /** Every call id of the run: its events must not leave the node any more. */
        public java.util.Set<String> allCallIds() {
            java.util.Set<String> all = new java.util.HashSet<>(calls.keySet());
            all.addAll(aliasCallIds);
            return all;
        }
    }

    private void fence() {
        Map<String, JournaledCall> lost = directory.owned();
        java.util.Set<String> aliases = directory.aliasCallIds();
        String old = boot;
        boot = newBoot();
        log.warn("cluster: this node's run {} was taken over by a survivor; ending its {} calls here silently, "
                + "rejoining as run {}", old, lost.size(), boot);
        for (String id : lost.keySet()) {
            directory.forget(id);
        }
        directory.forgetRoutes();
        onFenced.accept(new Fenced(lost, aliases));
        healthySince = -1;
    }

    /** This node's current run id (a new one after a fence). */
    public String run() {
        return boot;
    }

    /**
     * Before this node serves after a crash: the calls of its crash journal ({@code journaled}, of run
     * {@code previousRun}, null when unknown) are ended for the cluster once ({@link Takeover#succeed}).
     *
     * @return the ones nobody in the cluster told their bots about: this node tells them from its journal
     */
    public List<JournaledCall> succeed(String previousRun, List<JournaledCall> journaled) {
        return takeover.succeed(nodeId, previousRun, CallRecord.ownerToken(nodeId, boot), sequences, journaled);
    }

    /** Whether this node owns the call (no Redis round trip). */
    public boolean owns(String callId) {
        return directory.ownsLocally(callId);
    }

    /**
     * Where a request for {@code callId} runs: by the call's record, else by an alias of the id (a conference with no
     * bot call by it). At most one Redis round trip; none for this node's own calls and conferences.
     */
    public Route route(String callId) {
        return route(callId, null);
    }

    /**
     * As {@link #route(String)}, for a request of user {@code userId} (null: not a user): when the id has neither a
     * record nor an alias, the user's move out of that call leads to the conference they were moved to (docs/cluster.md).
     */
    public Route route(String callId, String userId) {
        if (directory.ownsLocally(callId)) {
            return new Route.Local();
        }
        CallDirectory.Found found = directory.lookup(callId, userId);
        if (found == null) {
            return new Route.Unknown();
        }
        if (found.record() != null && CallRecord.TERMINATED.equals(found.record().state())) {
            return new Route.Terminated(found.record().call());
        }
        String owner = CallRecord.nodeOf(found.owner());
        if (owner.equals(nodeId)) {
            return new Route.Unknown(); // this run's (it runs here), or a record of this node's previous run: gone
        }
        NodeInfo n = live.get(owner);
        if (n == null) {
            throw new SwitchboardException(dev.switchboard.error.ErrorCode.SERVICE_UNAVAILABLE,
                    "The node that holds this call is not reachable; retry shortly.", Redis.RETRY_AFTER);
        }
        return new Route.Remote(n);
    }

    /** The node a new call goes to: the least-loaded serving node (this one when the view is empty). */
    public NodeInfo placement() {
        return live.values().stream().filter(n -> !n.draining())
                .min(Comparator.comparingDouble(NodeInfo::load).thenComparing(NodeInfo::id))
                .orElse(self());
    }

    /** This node as it reports itself. */
    public NodeInfo self() {
        return new NodeInfo(nodeId, boot, url, mediaAddress, liveCalls.getAsInt(), -1, draining);
    }

    /**
     * Whether {@code base} is the URL of a node of the cluster, live or seen live since this node started: tokens
     * issued there are the cluster's own (signed with the shared keys, which the verifier still checks), including
     * those of a node that has died since (a bot keeps using its token after its node's death).
     */
    public boolean isPeer(String base) {
        for (NodeInfo n : live.values()) {
            if (n.url().equalsIgnoreCase(base)) {
                return true;
            }
        }
        return base != null && seenUrls.contains(base.toLowerCase(java.util.Locale.ROOT));
    }

    /** The live nodes as last seen. */
    public Map<String, NodeInfo> nodes() {
        return live;
    }

    /** Stops heartbeating and leaves the cluster (its record and entry are removed; its calls already ended). */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            redis.call(j -> {
                j.del(Keys.node(nodeId));
                j.hdel(Keys.NODES, nodeId);
                return null;
            });
        } catch (SwitchboardException e) {
            log.warn("cluster: could not deregister (the record expires by itself)");
        }
    }
}
