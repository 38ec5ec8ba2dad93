package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Call;
import dev.switchboard.testsupport.RedisServer;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Two nodes never both own a call: the owner is paused ({@code kill -STOP}) past the TTL, a survivor takes the call
 * over and tells the bot; resumed ({@code kill -CONT}), the old owner finds its run fenced and stops: the whole call
 * ends there, users' legs included (no more audio, not even silence, to the call's legs), and no webhook for the call.
 */
class ClusterSplitBrainTest {
    static final double BOT_HZ = 440;

    @Test
    void aPausedOwnerThatResumesFindsItselfFencedAndStops(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer botPeer = new RtpPeer("127.0.0.1");
             RtpPeer bobPeer = new RtpPeer("127.0.0.1")) {
            ClusterFixture.CallOnTwoNodes on = cluster.callOnTwoNodes(bot.url(), botPeer);
            ServerProcess a = on.a();
            String botToken = on.botToken();
            Call call = on.call();
            ServerProcess owner = on.owner();
            ServerProcess survivor = owner == a ? on.b() : a;

            ClientApi bob = new ClientApi(new ServerHttp(survivor.baseUrl()), Tokens.bobToken(a.baseUrl()));
            ClusterFixture.joinHearingTheBot(bob, bobPeer, on, botPeer, BOT_HZ);

            ClusterFixture.signal(owner, "STOP");
            try {
                JsonNode ended = bot.awaitItem(i -> i.path("resourceUrl").asText().contains(call.getId())
                        && i.path("changeType").asText().equals("deleted"), Duration.ofSeconds(30));
                assertThat(ended.at("/resourceData/resultInfo/subcode").asInt()).isEqualTo(9002);
            } finally {
                ClusterFixture.signal(owner, "CONT");
            }
            long resumed = System.nanoTime();
            int notificationsAtResume = bot.received().size();

            long last = ClusterFixture.awaitToneStops(bobPeer, BOT_HZ, Duration.ofSeconds(3), Duration.ofSeconds(30));
            assertThat(last).as("the resumed old owner stops sending the call's audio").isNotEqualTo(-1);
            System.out.println("cluster: audio after kill -CONT lasted " + Math.max(0, (last - resumed) / 1_000_000) + " ms");
            // the whole call ends on the old owner, bob's leg with it: not even the mix's silence reaches him any more
            awaitNothingReaches(bobPeer);
            // the old owner rejoins under a new run and serves again; the call stays the survivor's verdict
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!owner.output().stream().anyMatch(l -> l.contains("was taken over by a survivor")) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(owner.output()).anyMatch(l -> l.contains("was taken over by a survivor"));
            Thread.sleep(2000);
            List<JsonNode> afterResume = bot.received().stream().skip(notificationsAtResume)
                    .flatMap(r -> { List<JsonNode> l = new java.util.ArrayList<>(); r.json().path("value").forEach(l::add); return l.stream(); })
                    .filter(i -> i.path("resourceUrl").asText().contains(call.getId())).toList();
            assertThat(afterResume).as("no webhook for the call from the fenced old owner").isEmpty();
            Call got = GraphSdk.client(owner.baseUrl(), botToken).communications().calls().byCallId(call.getId()).get();
            assertThat(got.getState().getValue()).as("GET through the old owner").isEqualTo("terminated");
        }
    }

    /**
     * A call its bot left goes on for its users, reached by an alias; a survivor ends it with the paused node's other
     * calls. Resumed and fenced, the old owner ends it too: its users' legs close, not even silence reaches them.
     */
    @Test
    void aFencedOwnerAlsoEndsTheCallsItsBotsLeft(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer botPeer = new RtpPeer("127.0.0.1");
             RtpPeer alicePeer = new RtpPeer("127.0.0.1");
             RtpPeer bobPeer = new RtpPeer("127.0.0.1")) {
            ClusterFixture.CallOnTwoNodes on = cluster.callOnTwoNodes(bot.url(), botPeer);
            ServerProcess a = on.a();
            String botToken = on.botToken();
            Call call = on.call();
            ServerProcess owner = on.owner();
            ClientApi alice = new ClientApi(new ServerHttp(owner.baseUrl()), Tokens.aliceToken(a.baseUrl()));
            ClientApi bob = new ClientApi(new ServerHttp(owner.baseUrl()), Tokens.bobToken(a.baseUrl()));
            ClientApi.Joined aliceJoined = alice.join(call.getId(), alicePeer.offer("sendrecv"));
            ClientApi.Joined bobJoined = bob.join(call.getId(), bobPeer.offer("sendrecv"));
            bobPeer.sendReceiverReport(MuteEndToEndTest.audioPort(bobJoined.sdpAnswer()));
            GraphSdk.client(owner.baseUrl(), botToken).communications().calls().byCallId(call.getId()).delete();
            alicePeer.startTone(MuteEndToEndTest.audioPort(aliceJoined.sdpAnswer()), BOT_HZ);
            assertThat(ClusterFixture.awaitTone(bobPeer, BOT_HZ, true, Duration.ofSeconds(15)))
                    .as("the users go on after the bot left").isTrue();
            assertThat(cluster.jedis.exists("sb:alias:" + call.getId())).isTrue();

            ClusterFixture.signal(owner, "STOP");
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (cluster.jedis.exists("sb:alias:" + call.getId()) && System.nanoTime() < deadline) {
                    Thread.sleep(100); // the survivor buries the paused node's calls and routes
                }
                assertThat(cluster.jedis.exists("sb:alias:" + call.getId())).as("taken over").isFalse();
            } finally {
                ClusterFixture.signal(owner, "CONT");
            }
            awaitNothingReaches(bobPeer);
            assertThat(owner.output()).anyMatch(l -> l.contains("was taken over by a survivor"));
        }
    }

    /** Waits until no packet at all reaches {@code peer} for 1.5 s: its leg is closed, not merely silent. */
    private static void awaitNothingReaches(RtpPeer peer) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            peer.drain();
            return peer.receive(1500) == null;
        });
    }
}
