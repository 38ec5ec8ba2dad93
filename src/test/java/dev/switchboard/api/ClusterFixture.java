package dev.switchboard.api;

import com.microsoft.graph.models.AppHostedMediaConfig;
import com.microsoft.graph.models.Call;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.RedisServer;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.ClientApi;
import redis.clients.jedis.RedisClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cluster for a test: a real redis-server on a free port and nodes started as {@code serve --redis …} processes
 * ({@link ServerProcess}), plus a Redis client to look at what the nodes wrote. Close it to stop them all.
 */
final class ClusterFixture implements AutoCloseable {
    final RedisServer redis;
    final RedisClient jedis;
    final Map<String, ServerProcess> nodes = new java.util.LinkedHashMap<>();
    private final Path dir;

    ClusterFixture(Path dir) throws Exception {
        this.dir = dir;
        this.redis = RedisServer.start(dir.resolve("redis"));
        this.jedis = RedisClient.create(redis.uri());
    }

    /** Starts node {@code id} (its own data directory) with {@code extra} flags. */
    ServerProcess start(String id, String... extra) throws Exception {
        return startWith(redis.uri(), id, extra);
    }

    /** Starts node {@code id} with {@code --redis redisUri} (e.g. through a Sentinel) and {@code extra} flags. */
    ServerProcess startWith(String redisUri, String id, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--redis", redisUri, "--node-id", id));
        args.addAll(List.of(extra));
        ServerProcess p = ServerProcess.start(dir.resolve("node-" + id), args.toArray(String[]::new));
        nodes.put(id, p);
        return p;
    }

    ServerProcess node(String id) {
        return nodes.get(id);
    }

    /**
     * Waits until {@code ids} are registered and every one of them has seen them all: its view (refreshed each second,
     * {@code switchboard_cluster_nodes}) holds at least as many live nodes.
     */
    void awaitNodes(String... ids) throws Exception {
        long start = System.nanoTime();
        long registered = -1;
        long deadline = start + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (String id : ids) {
                all &= jedis.exists("sb:node:" + id);
            }
            if (all && registered < 0) {
                registered = System.nanoTime();
            }
            if (all && seenByAll(ids)) {
                System.out.println("cluster: nodes " + List.of(ids) + " registered after " + (registered - start) / 1_000_000
                        + " ms, seen by each other " + (System.nanoTime() - registered) / 1_000_000 + " ms later");
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nodes " + List.of(ids) + " did not register or see each other: " + jedis.hgetAll("sb:nodes"));
    }

    private boolean seenByAll(String... ids) throws Exception {
        for (String id : ids) {
            ServerProcess p = nodes.get(id);
            if (p == null || !p.process().isAlive()
                    || dev.switchboard.testsupport.Prometheus.sample(p.baseUrl(), "switchboard_cluster_nodes") < ids.length) {
                return false;
            }
        }
        return true;
    }

    /**
     * Nodes a and b started with {@code flags} and seen by each other, a dev bot token of a's authority (valid on
     * every node), and a group call created through a whose bot media is {@code botPeer}.
     */
    record CallOnTwoNodes(ServerProcess a, ServerProcess b, String botToken, Call call, ServerProcess owner) {
        /** The node that does not hold the call. */
        ServerProcess other() {
            return owner == a ? b : a;
        }

        /** The owner's node id. */
        String ownerId() {
            return owner == a ? "a" : "b";
        }

        /** The bot's media port in the call's answer. */
        int botMediaPort() {
            return MuteEndToEndTest.audioPort(((AppHostedMediaConfig) call.getMediaConfig()).getBlob());
        }
    }

    /** Starts nodes a and b with {@code flags} and creates a call through a (see {@link CallOnTwoNodes}). */
    CallOnTwoNodes callOnTwoNodes(String callbackUrl, RtpPeer botPeer, String... flags) throws Exception {
        ServerProcess a = start("a", flags);
        ServerProcess b = start("b", flags);
        awaitNodes("a", "b");
        String botToken = Tokens.devBotToken(a.baseUrl());
        Call call = createCall(a, botToken, callbackUrl, botPeer);
        return new CallOnTwoNodes(a, b, botToken, call, node(ownerOf(call.getId())));
    }

    /**
     * {@code user} joins the call listening only ({@code ear}), the bot's peer plays {@code hz}, and the user hears it
     * (fails the test otherwise); returns the user's leg.
     */
    static ClientApi.Joined joinHearingTheBot(ClientApi user, RtpPeer ear, CallOnTwoNodes on, RtpPeer botPeer, double hz)
            throws Exception {
        ClientApi.Joined joined = user.join(on.call().getId(), ear.offer("recvonly"));
        ear.sendReceiverReport(MuteEndToEndTest.audioPort(joined.sdpAnswer()));
        botPeer.startTone(on.botMediaPort(), hz);
        if (!awaitTone(ear, hz, true, Duration.ofSeconds(15))) {
            throw new AssertionError("the user does not hear the bot's " + hz + " Hz tone");
        }
        return joined;
    }

    /** Creates a group call through {@code via} whose bot media is {@code botPeer} (sendrecv); returns it. */
    static Call createCall(ServerProcess via, String botToken, String callbackUrl, RtpPeer botPeer) {
        Call body = GraphSdk.call(callbackUrl, DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        AppHostedMediaConfig media = new AppHostedMediaConfig();
        media.setBlob(botPeer.offer("sendrecv"));
        body.setMediaConfig(media);
        return GraphSdk.client(via.baseUrl(), botToken).communications().calls().post(body);
    }

    /** Sends {@code signal} (STOP, CONT) to the node's process. */
    static void signal(ServerProcess node, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.process().pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " failed");
        }
    }

    /** The id of the node that owns {@code callId}, per Redis. */
    String ownerOf(String callId) {
        String owner = jedis.hget("sb:call:" + callId, "owner");
        return owner == null ? null : owner.substring(0, owner.indexOf('/'));
    }

    /** Waits until {@code ear} hears {@code hz} (present: ten packets in a row ≥ −30 dBFS; absent: ≤ −60 dBFS). */
    static boolean awaitTone(RtpPeer ear, double hz, boolean present, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        int run = 0;
        while (System.nanoTime() < deadline) {
            RtpPeer.Packet p = ear.receive(200);
            if (p == null) {
                run = 0;
                continue;
            }
            double level = p.pcmuLevelDbfs(hz);
            boolean ok = present ? level >= -30 : level <= -60;
            run = ok ? run + 1 : 0;
            if (run >= 10) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until {@code ear} has received nothing with {@code hz} for {@code quiet}; returns when the last such
     * packet came (nanoTime; 0 when none came), or -1 when the tone did not stop within {@code within}.
     */
    static long awaitToneStops(RtpPeer ear, double hz, Duration quiet, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        long last = 0;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            RtpPeer.Packet p = ear.receive(100);
            long now = System.nanoTime();
            if (p != null && p.pcmuLevelDbfs(hz) >= -30) {
                last = p.receivedNanos();
                quietSince = now;
            } else if (now - quietSince >= quiet.toNanos()) {
                return last;
            }
        }
        return -1;
    }

    /** The longest gap between packets carrying {@code hz} that {@code ear} receives in {@code during}, in ms. */
    static long longestGapMillis(RtpPeer ear, double hz, Duration during) {
        long end = System.nanoTime() + during.toNanos();
        long last = -1;
        long worst = 0;
        while (System.nanoTime() < end) {
            RtpPeer.Packet p = ear.receive(500);
            long now = System.nanoTime();
            if (p != null && p.pcmuLevelDbfs(hz) >= -30) {
                if (last >= 0) {
                    worst = Math.max(worst, (p.receivedNanos() - last) / 1_000_000);
                }
                last = p.receivedNanos();
            } else if (last >= 0) {
                worst = Math.max(worst, (now - last) / 1_000_000);
            }
        }
        return worst;
    }

    @Override
    public void close() throws Exception {
        for (ServerProcess p : nodes.values()) {
            p.close();
        }
        jedis.close();
        redis.close();
    }
}
