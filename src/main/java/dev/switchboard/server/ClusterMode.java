package dev.switchboard.server;

import dev.switchboard.auth.BearerAuthenticator;
import dev.switchboard.client.RosterStreams;
import dev.switchboard.client.RosterUpdateCodec;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.cluster.ClusterCallRouter;
import dev.switchboard.cluster.ClusterNode;
import dev.switchboard.core.CallCommand;
import dev.switchboard.core.RosterUpdate;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.cluster.FencedCalls;
import dev.switchboard.cluster.KeyRotation;
import dev.switchboard.cluster.NodeHop;
import dev.switchboard.cluster.Redis;
import dev.switchboard.cluster.RunFile;
import dev.switchboard.cluster.SharedIdentity;
import dev.switchboard.cluster.Takeover;
import dev.switchboard.core.CallEngine;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.core.Caller;
import dev.switchboard.core.LostCalls;
import dev.switchboard.core.ResultInfo;
import dev.switchboard.journal.CallJournal;
import dev.switchboard.journal.JournaledCall;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The cluster's parts of one server, built in the order the server needs them (docs/cluster.md): Redis and the
 * shared identity before the authority, the node (whose journal the engine writes) before the engine, the routing
 * filter with the routes, registration once the server listens. Absent without {@code --redis}.
 */
final class ClusterMode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterMode.class);

    private final ClusterSettings settings;
    private final Redis redis;
    private final String nodeId;
    private final NodeHop hop;
    private final RunFile runFile;
    /** The run this node's data directory last served as (its crash journal's calls are that run's), or null. */
    private final String previousRun;
    private ClusterNode node;
    private FencedCalls fenced;
    private ClusterRouting routing;
    private RosterRelay relay;
    private RingRelay rings;
    private Path authDir;
    private java.util.concurrent.ScheduledExecutorService rotationTimer;

    private ClusterMode(ClusterSettings settings, Redis redis, String nodeId, NodeHop hop, RunFile runFile) {
        this.settings = settings;
        this.redis = redis;
        this.nodeId = nodeId;
        this.hop = hop;
        this.runFile = runFile;
        this.previousRun = runFile.read();
    }

    /** Connects to Redis (failing fast when it does not answer) and takes the cluster's node-to-node secret. */
    static ClusterMode open(ClusterSettings settings, Path dataDir) {
        Redis redis = Redis.connect(settings.redis());
        try {
            return new ClusterMode(settings, redis, settings.resolveNodeId(dataDir), new NodeHop(NodeHop.sharedSecret(redis)),
                    new RunFile(dataDir));
        } catch (RuntimeException e) {
            redis.close();
            throw new IllegalStateException("cluster mode: Redis at " + redis + " is not usable: " + e.getMessage(), e);
        }
    }

    /** The shared key files for the authority in {@code authDir}; see {@link SharedIdentity}. */
    SharedIdentity identity(Path authDir) {
        return new SharedIdentity(redis, authDir);
    }

    /**
     * The node, with its journal in front of {@code local}; bots of calls taken over from dead nodes are told
     * through {@code toBots}, their roster streams through {@code rosterEnd}; ring messages of this node's calls reach
     * users' ring streams on every node ({@link RingRelay}).
     *
     * @return the sink the engine's outgoing events must pass (it holds back a fenced node's calls)
     */
    CallEventSink build(CallJournal local, IntSupplier liveCalls, CallEventSink toBots, RosterStreams rosterStreams,
                        dev.switchboard.client.RingStreams ringStreams) {
        RosterRelay[] relay = new RosterRelay[1];
        node = new ClusterNode(redis, nodeId, settings.nodeTtl(), local, liveCalls,
                new Takeover(redis, new LostCalls(toBots), (callId, chain) -> relay[0].ended(callId, chain),
                        settings.terminatedRetention()));
        runFile.write(node.run());
        this.relay = relay[0] = new RosterRelay(node, rosterStreams, redis);
        this.rings = new RingRelay(nodeId, ringStreams, redis);
        fenced = new FencedCalls(CallEventSink.all(java.util.List.of(toBots, this.relay, rings)));
        return fenced;
    }

    /** Where requests on calls go: this node's engine, roster snapshots of calls elsewhere from their owner. */
    CallRouter router(CallEngine engine) {
        return new ClusterCallRouter(engine, node, hop, RosterUpdateCodec::decode);
    }

    /** The owner's side of {@link ClusterCallRouter}'s roster snapshot (a hop from another node only). */
    void registerInternalRoutes(io.javalin.config.RoutesConfig routes, CallRouter router) {
        routes.get(ClusterCallRouter.ROSTER_PATH + "{callId}/{tenant}/{app}/{user}", ctx -> {
            if (!hop.verify(ctx.header(NodeHop.HEADER), "GET", ctx.path(), ctx.header(NodeHop.CLIENT_HEADER))) {
                throw SwitchboardException.notFound("resource");
            }
            Caller user = Caller.user(ctx.pathParam("tenant"), ctx.pathParam("app"), ctx.pathParam("user"),
                    ctx.header(ClusterCallRouter.DISPLAY_NAME_HEADER));
            RosterUpdate roster = router.send(new CallCommand.GetRoster(ctx.pathParam("callId"), user));
            ctx.status(200).contentType("application/json").result(RosterUpdateCodec.encode(roster));
        });
    }

    /**
     * The calls the node's crash journal lists ({@code journaled}, its previous run's) are the cluster's to end, once:
     * a survivor may have told their bots already, else this node ends them as a survivor would (docs/cluster.md).
     *
     * @return the ones whose bots this node must tell from its journal (Redis no longer knows them)
     */
    List<JournaledCall> lostInCrash(List<JournaledCall> journaled) {
        return node.succeed(previousRun, journaled);
    }

    CallJournal journal() {
        return node.journal();
    }

    /**
     * Once the engine exists: a fenced node ends its former calls here, without telling anyone (a survivor told the
     * bots). The whole conference ends, users and all, whether a bot call or an alias leads to it: the call is over for
     * the cluster, so no user may go on in it on this node alone. Its users' roster streams here hear the end.
     */
    void endFencedCallsOn(CallEngine engine) {
        node.onFenced(lost -> {
            runFile.write(node.run()); // rejoins as a new run
            fenced.fence(lost.allCallIds());
            for (String callId : lost.allCallIds()) {
                if (!engine.directory().endConference(callId, ResultInfo.NODE_LOST)) {
                    log.info("cluster: fenced call already gone callId={}", callId);
                }
            }
        });
    }

    void routes(BearerAuthenticator authenticator) {
        routing = new ClusterRouting(node, hop, authenticator);
    }

    /** Which recordings this node keeps; a download of another is fetched from the node that has it. */
    void recordingsHere(java.util.function.Predicate<String> here) {
        routing.recordingsHere(here);
    }

    void route(Context ctx) {
        routing.route(ctx);
    }

    /**
     * Once the server listens at {@code boundUrl}: joins the cluster ({@link #start}), follows its key rotations
     * ({@link #followKeyRotations}) and lets {@code origins} trust the peers' hops.
     */
    void join(String boundUrl, ServerConfig config, dev.switchboard.auth.EmbeddedAuthority authority,
              dev.switchboard.auth.PublicOrigins origins) {
        start(boundUrl, config.advertisedMediaAddress(), config.dataDir().resolve("auth"));
        followKeyRotations(authority.keys(), config.identity().identities().tokens());
        origins.trustPeers(node::isPeer);
    }

    /** Joins the cluster once the server listens at {@code boundUrl}. */
    void start(String boundUrl, String mediaAddress, Path authDir) {
        this.authDir = authDir;
        SharedIdentity identity = identity(authDir);
        node.onRecordMissing(() -> {
            hop.reseed(redis);
            identity.reseed();
        });
        node.start(settings.nodeUrl() != null ? settings.nodeUrl() : boundUrl, mediaAddress);
    }

    /**
     * The identity config a node's authority runs with: no automatic rotation of its own (a key one node made alone
     * would not verify on the others); the cluster rotates instead ({@link #followKeyRotations}).
     */
    static dev.switchboard.auth.IdentityConfig withoutLocalKeyRotation(dev.switchboard.auth.IdentityConfig c) {
        dev.switchboard.auth.TokenSettings t = c.tokens();
        return new dev.switchboard.auth.IdentityConfig(c.directory(), c.externalIssuers(), new dev.switchboard.auth.TokenSettings(
                t.accessTokenLifetime(), t.clockSkew(), null, t.callbackIssuer(), t.callbackTokenLifetime(), t.verifiedTokenCache()));
    }

    /**
     * Key rotation in cluster mode (docs/cluster.md): the node loads the cluster's keys again whenever a rotation
     * changes them, and, when the active key is older than {@code tokens.signingKeyMaxAge()}, starts the coordinated
     * rotation itself (checked every minute; one node in the cluster wins the rotation's lock).
     */
    void followKeyRotations(dev.switchboard.auth.SigningKeys keys, dev.switchboard.auth.TokenSettings tokens) {
        SharedIdentity identity = identity(authDir);
        node.onIdentityChanged(version -> identity.follow(version, keys::reload, nodeId));
        java.time.Duration maxAge = tokens.signingKeyMaxAge();
        if (maxAge == null) {
            return;
        }
        KeyRotation rotation = new KeyRotation(redis, java.time.Clock.systemUTC(), tokens.accessTokenLifetime().plus(tokens.clockSkew()));
        rotationTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-key-rotation");
            t.setDaemon(true);
            return t;
        });
        rotationTimer.scheduleWithFixedDelay(() -> {
            try {
                if (keys.entries().getFirst().createdAt().plus(maxAge).isBefore(java.time.Instant.now())) {
                    KeyRotation.Result r = rotation.rotate(java.time.Duration.ofSeconds(30));
                    log.info("cluster: scheduled key rotation done active={} retired={} nodes={}", r.activeKid(), r.retiredKid(), r.nodes());
                }
            } catch (RuntimeException e) {
                log.warn("cluster: scheduled key rotation not done now: {}", e.getMessage());
            }
        }, 1, 1, java.util.concurrent.TimeUnit.MINUTES);
    }

    ClusterNode node() {
        return node;
    }

    /** SIGTERM: no new placements here; waits up to the drain timeout for {@code liveCalls} to reach 0. */
    void drain(IntSupplier liveCalls) throws InterruptedException {
        node.drain();
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        while (liveCalls.getAsInt() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        log.info("cluster: drain over with {} calls left (they are ended now)", liveCalls.getAsInt());
    }

    Duration drainTimeout() {
        return settings.drainTimeout();
    }

    @Override
    public void close() {
        if (rotationTimer != null) {
            rotationTimer.shutdownNow();
        }
        if (relay != null) {
            relay.close();
        }
        if (rings != null) {
            rings.close();
        }
        if (node != null) {
            node.close();
        }
        redis.close();
    }
}
