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
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * kill -9 of the node that holds a call: a survivor notices (heartbeat TTL), tells the bot {@code terminated}
 * (resultInfo 503/9002, webhook sequence numbers continuing the owner's), answers GET with the terminated call for
 * {@code --terminated-retention} and 404 after it; a call on another node keeps its audio meanwhile.
 */
class ClusterNodeDeathTest {
    static final double BOT_HZ = 440;
    /** --terminated-retention of the nodes: a taken-over call answers GET as terminated this long, then 404. */
    static final int RETENTION_SECONDS = 10;

    @Test
    void aSurvivorEndsTheDeadNodesCallsAndTheOthersCallsKeepTheirAudio(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer doomedBot = new RtpPeer("127.0.0.1");
             RtpPeer liveBot = new RtpPeer("127.0.0.1");
             RtpPeer bobPeer = new RtpPeer("127.0.0.1")) {
            String[] retention = {"--terminated-retention", RETENTION_SECONDS + "s"};
            ServerProcess a = cluster.start("a", retention);
            ServerProcess b = cluster.start("b", retention);
            ServerProcess c = cluster.start("c", retention);
            cluster.awaitNodes("a", "b", "c");
            String botToken = Tokens.devBotToken(a.baseUrl());

            Call doomed = ClusterFixture.createCall(a, botToken, bot.url(), doomedBot);
            String doomedOwner = cluster.ownerOf(doomed.getId());
            Thread.sleep(2500); // the next placement sees the first call's load
            Call live = ClusterFixture.createCall(a, botToken, bot.url(), liveBot);
            String liveOwner = cluster.ownerOf(live.getId());
            assertThat(liveOwner).as("the second call is placed on a less-loaded node").isNotEqualTo(doomedOwner);

            ServerProcess survivorEntry = cluster.nodes.entrySet().stream().filter(e -> !e.getKey().equals(doomedOwner))
                    .findFirst().orElseThrow().getValue();
            ClientApi bob = new ClientApi(new ServerHttp(survivorEntry.baseUrl()), Tokens.bobToken(a.baseUrl()));
            ClientApi.Joined bobJoined = bob.join(live.getId(), bobPeer.offer("recvonly"));
            bobPeer.sendReceiverReport(MuteEndToEndTest.audioPort(bobJoined.sdpAnswer()));
            liveBot.startTone(MuteEndToEndTest.audioPort(
                    ((com.microsoft.graph.models.AppHostedMediaConfig) live.getMediaConfig()).getBlob()), BOT_HZ);
            assertThat(ClusterFixture.awaitTone(bobPeer, BOT_HZ, true, Duration.ofSeconds(15)))
                    .as("bob hears the live call's bot").isTrue();

            var doomedViaSurvivor = GraphSdk.client(survivorEntry.baseUrl(), botToken).communications().calls().byCallId(doomed.getId());
            for (int i = 0; i < 2; i++) { // roster webhooks of the doomed call, numbered by its owner
                doomedViaSurvivor.mute().post(new com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody());
                doomedViaSurvivor.unmute().post(new com.microsoft.graph.communications.calls.item.unmute.UnmutePostRequestBody());
            }
            List<Long> beforeKill = awaitSettledSequences(bot, doomed.getId());
            // changes pending together share a POST, so how many POSTs the 5 changes made depends on delivery timing
            assertThat(beforeKill).as("the owner numbered the doomed call's POSTs 1, 2, …").hasSizeGreaterThanOrEqualTo(2)
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(1, beforeKill.size()).boxed().toList());

            CompletableFuture<Long> gap = CompletableFuture.supplyAsync(() ->
                    ClusterFixture.longestGapMillis(bobPeer, BOT_HZ, Duration.ofSeconds(12)));
            long killedAt = System.nanoTime();
            cluster.node(doomedOwner).kill();

            JsonNode terminated = bot.awaitItem(i -> i.path("resourceUrl").asText().contains(doomed.getId())
                    && i.path("changeType").asText().equals("deleted"), Duration.ofSeconds(30));
            long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.println("cluster: terminated of the dead node's call reached the bot " + tookMillis + " ms after kill -9");
            assertThat(terminated.at("/resourceData/resultInfo/code").asInt()).isEqualTo(503);
            assertThat(terminated.at("/resourceData/resultInfo/subcode").asInt()).isEqualTo(9002);

            List<Long> sequences = sequencesOf(bot, doomed.getId());
            System.out.println("cluster: the doomed call's webhook sequence numbers at the bot: " + sequences);
            assertThat(sequences).as("strictly rising and gap-free from 1, the survivor's terminated next after the owner's last")
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(1, beforeKill.size() + 1L).boxed().toList());
            List<CallbackReceiver.Received> doomedPosts = bot.received().stream()
                    .filter(r -> r.json().toString().contains(doomed.getId())).toList();
            assertThat(doomedPosts.getLast().json().toString()).as("the last POST of that call is the survivor's terminated")
                    .contains("\"deleted\"");

            Call got = GraphSdk.client(survivorEntry.baseUrl(), botToken).communications().calls().byCallId(doomed.getId()).get();
            assertThat(got.getState().getValue()).as("GET through a survivor").isEqualTo("terminated");
            assertThat(got.getResultInfo().getSubcode()).isEqualTo(9002);
            long ttl = cluster.jedis.pttl("sb:call:" + doomed.getId());
            assertThat(ttl).as("the terminated record expires after the retention").isPositive()
                    .isLessThanOrEqualTo(RETENTION_SECONDS * 1000L);

            long worstGap = gap.get();
            System.out.println("cluster: longest gap of the live call's audio at bob while the other node died: " + worstGap + " ms");
            assertThat(worstGap).as("the live call on another node keeps its audio").isLessThan(1000);
            assertThat(ClusterFixture.awaitTone(bobPeer, BOT_HZ, true, Duration.ofSeconds(5))).isTrue();
            assertThat(GraphSdk.client(survivorEntry.baseUrl(), botToken).communications().calls().byCallId(live.getId())
                    .get().getState().getValue()).isEqualTo("established");
            assertThat(bot.items().stream().filter(i -> i.path("resourceUrl").asText().contains(live.getId())
                    && i.path("changeType").asText().equals("deleted")).toList()).as("the live call was not ended").isEmpty();
            long deadline = System.nanoTime() + Duration.ofSeconds(RETENTION_SECONDS + 20).toNanos();
            while (cluster.jedis.exists("sb:call:" + doomed.getId()) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            for (ServerProcess n : cluster.nodes.values()) {
                if (n != cluster.node(doomedOwner)) {
                    GraphSdk.expectError(() -> GraphSdk.client(n.baseUrl(), botToken).communications().calls()
                            .byCallId(doomed.getId()).get(), 404, "itemNotFound");
                }
            }
            List<String> left = List.copyOf(cluster.jedis.hkeys("sb:nodes"));
            assertThat(left).as("the dead node left the registry").doesNotContain(doomedOwner);
        }
    }

    /** The {@code X-Switchboard-Sequence} of every POST about {@code callId} the bot received, in arrival order. */
    static List<Long> sequencesOf(CallbackReceiver bot, String callId) {
        List<Long> out = new java.util.ArrayList<>();
        for (CallbackReceiver.Received r : bot.received()) {
            boolean about = false;
            for (JsonNode item : r.json().path("value")) {
                about |= item.path("resourceUrl").asText().contains(callId);
            }
            if (about) {
                out.add(Long.parseLong(r.header("X-Switchboard-Sequence")));
            }
        }
        return out;
    }

    /** Waits until no new POST about {@code callId} has arrived for a second; returns their sequence numbers. */
    static List<Long> awaitSettledSequences(CallbackReceiver bot, String callId) throws InterruptedException {
        List<Long> seen = sequencesOf(bot, callId);
        long stableSince = System.nanoTime();
        long deadline = stableSince + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            List<Long> now = sequencesOf(bot, callId);
            if (!now.equals(seen)) {
                seen = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > Duration.ofSeconds(1).toNanos()) {
                return seen;
            }
        }
        return seen;
    }
}
