package dev.switchboard.cluster;

import dev.switchboard.core.LostCalls;
import dev.switchboard.journal.CallJournal;
import dev.switchboard.journal.JournaledCall;
import dev.switchboard.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster's aliases and moves ({@link CallRoutes}, docs/cluster.md) against a real redis-server: what the call
 * directory writes at the engine's journal points, what a lookup finds (a move only for its user), that a
 * conference's end removes its own routes and nothing newer, and that a survivor removes a dead run's routes and ends
 * the roster streams of the conferences only an alias named.
 */
class CallRoutesTest {

    @Test
    void routesLeadToTheirNodeWhileTheConferenceLastsAndASurvivorRemovesADeadRunsRoutes(@TempDir Path dir)
            throws Exception {
        RedisServer.requireOrSkip();
        try (RedisServer server = RedisServer.start(dir);
             Redis redis = Redis.connect(server.uri());
             RedisClient jedis = RedisClient.create(server.uri())) {
            CallDirectory n1 = new CallDirectory(redis, CallJournal.NONE, "n1", () -> "r1");

            n1.aliasAdded("x", "chain-x"); // a transfer's new call, no bot call
            n1.userMoved("g", "alice", "x", "chain-x");
            n1.callCreated(new JournaledCall("b", "chain-b", "t", "app", URI.create("https://bot.example/cb"), "p0",
                    List.of("p0")));
            n1.userMoved("a", "bob", "b", "chain-b");
            n1.callLeft("b", "chain-b"); // its bot left; the users go on by its id

            assertThat(jedis.exists("sb:call:b")).as("the record became an alias").isFalse();
            assertThat(jedis.sismember("sb:nodecalls:n1", "b")).isFalse();
            assertThat(jedis.hgetAll("sb:alias:b")).containsEntry("owner", "n1/r1").containsEntry("chain", "chain-b");
            assertThat(jedis.hgetAll("sb:moved:a:bob")).containsEntry("into", "b").containsEntry("owner", "n1/r1");
            assertThat(jedis.smembers("sb:noderoutes:n1")).containsExactlyInAnyOrder("sb:alias:x", "sb:moved:g:alice",
                    "sb:alias:b", "sb:moved:a:bob");
            assertThat(n1.ownsLocally("x")).isTrue();
            assertThat(n1.ownsLocally("b")).isTrue();

            CallDirectory n2 = new CallDirectory(redis, CallJournal.NONE, "n2", () -> "s1");
            assertThat(n2.lookup("x", null).owner()).isEqualTo("n1/r1");
            assertThat(n2.lookup("a", "bob").owner()).as("bob's old id").isEqualTo("n1/r1");
            assertThat(n2.lookup("a", "carol")).as("only for the moved user").isNull();
            assertThat(n2.lookup("a", null)).isNull();

            n1.conferenceEnded("chain-x");
            assertThat(jedis.exists("sb:alias:x")).isFalse();
            assertThat(jedis.exists("sb:moved:g:alice")).isFalse();
            assertThat(n1.ownsLocally("x")).isFalse();
            assertThat(jedis.exists("sb:alias:b")).as("another conference's routes stay").isTrue();

            n1.userMoved("a", "bob", "c", "chain-c"); // moved again, out of the same call id, into a later conference
            n1.conferenceEnded("chain-b");
            assertThat(jedis.exists("sb:alias:b")).isFalse();
            assertThat(jedis.hget("sb:moved:a:bob", "into")).as("the later move is not the ended conference's")
                    .isEqualTo("c");

            n1.aliasAdded("y", "chain-y");
            jedis.hset("sb:nodes", "n1", "r1"); // registered, without a heartbeat record: dead
            List<String> rosterEnds = new ArrayList<>();
            new Takeover(redis, new LostCalls(event -> { }), (callId, chain) -> rosterEnds.add(callId + " " + chain),
                    Duration.ofSeconds(10)).bury("n1", "r1", "n2/s1", new WebhookSequences(n2, () -> true));
            assertThat(rosterEnds).as("the roster streams of the conference only an alias named").containsExactly("y chain-y");
            assertThat(jedis.exists("sb:alias:y")).isFalse();
            assertThat(jedis.exists("sb:moved:a:bob")).isFalse();
            assertThat(jedis.exists("sb:noderoutes:n1")).isFalse();
            assertThat(n2.lookup("y", null)).isNull();
        }
    }

    /**
     * Every pipelined write, lookup and removal gives its pooled connection back. A Jedis pipeline holds its
     * connection until it is closed ({@code sync()} alone does not); before, each call record, route and lookup kept
     * one, so after 64 (the pool) every request that needed Redis got 503 "not reachable" (found by
     * {@code ClusterInputFuzzTest}).
     */
    @Test
    void pipelinesGiveTheirConnectionsBack(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (RedisServer server = RedisServer.start(dir);
             Redis redis = Redis.connect(server.uri());
             RedisClient jedis = RedisClient.create(server.uri())) {
            CallDirectory n1 = new CallDirectory(redis, CallJournal.NONE, "n1", () -> "r1");
            for (int i = 0; i < 200; i++) {
                n1.callCreated(new JournaledCall("c" + i, "chain-" + i, "t", "app", URI.create("https://bot.example/cb"),
                        "p0", List.of("p0")));
                n1.aliasAdded("x" + i, "chain-" + i);
                assertThat(n1.lookup("x" + i, "alice").owner()).isEqualTo("n1/r1");
                n1.conferenceEnded("chain-" + i);
            }
            String clients = jedis.info("clients");
            int connected = Integer.parseInt(clients.lines().filter(l -> l.startsWith("connected_clients:"))
                    .findFirst().orElseThrow().substring("connected_clients:".length()).trim());
            assertThat(connected).as("connections to redis after 800 pipelines: the pool's idle ones and ours, " + clients)
                    .isLessThanOrEqualTo(20);
        }
    }
}
