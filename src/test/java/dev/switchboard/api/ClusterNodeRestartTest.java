package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Call;
import dev.switchboard.testsupport.RedisServer;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node killed with {@code kill -9} and restarted on its data directory (what a service manager does): the calls
 * its crash journal still lists are told to their bots once in the cluster, never twice, and their webhook sequence
 * numbers go on without a repeat (docs/cluster.md, "Failure semantics") — whether a survivor ended them before the
 * restart or the restarted node comes back before any survivor noticed the death.
 */
class ClusterNodeRestartTest {

    @Test
    void aRestartedNodeDoesNotTellTheBotsAgainWhatASurvivorToldThem(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer botPeer = new RtpPeer("127.0.0.1")) {
            String[] flags = {"--terminated-retention", "2s"};
            Scene scene = Scene.start(cluster, bot, botPeer, flags);
            Call call = scene.call();
            String ownerId = scene.ownerId();
            List<Long> beforeKill = scene.beforeKill();

            cluster.node(ownerId).kill();
            bot.awaitItem(i -> isEnd(i, call.getId()), Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(60)).until(() -> !cluster.jedis.exists("sb:call:" + call.getId()));

            ServerProcess restarted = cluster.start(ownerId, flags); // the same node id and data directory
            cluster.awaitNodes("a", "b");
            List<Long> sequences = ClusterNodeDeathTest.awaitSettledSequences(bot, call.getId());

            assertThat(ends(bot, call.getId())).as("the bot is told once that the call ended").hasSize(1);
            assertThat(sequences).as("no sequence number twice")
                    .isEqualTo(LongStream.rangeClosed(1, beforeKill.size() + 1L).boxed().toList());
            assertThat(restarted.output()).as("the restart says what it did with its journal's calls")
                    .anyMatch(l -> l.contains("previous run") && l.contains("survivor"));
        }
    }

    @Test
    void aNodeRestartedBeforeAnySurvivorNoticedEndsItsCallsForTheCluster(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer botPeer = new RtpPeer("127.0.0.1")) {
            String[] flags = {"--node-ttl", "60s", "--terminated-retention", "30s"}; // the restart comes first
            Scene scene = Scene.start(cluster, bot, botPeer, flags);
            String botToken = scene.botToken();
            Call call = scene.call();
            String ownerId = scene.ownerId();
            ServerProcess other = scene.other();
            List<Long> beforeKill = scene.beforeKill();

            cluster.node(ownerId).kill();
            cluster.start(ownerId, flags);
            JsonNode end = bot.awaitItem(i -> isEnd(i, call.getId()), Duration.ofSeconds(60));
            List<Long> sequences = ClusterNodeDeathTest.awaitSettledSequences(bot, call.getId());

            assertThat(end.at("/resourceData/resultInfo/code").asInt()).isEqualTo(503);
            assertThat(end.at("/resourceData/resultInfo/subcode").asInt()).isEqualTo(9002);
            assertThat(ends(bot, call.getId())).as("the bot is told once that the call ended").hasSize(1);
            assertThat(sequences).as("the end is numbered right after the dead run's last POST")
                    .isEqualTo(LongStream.rangeClosed(1, beforeKill.size() + 1L).boxed().toList());
            assertThat(cluster.jedis.hget("sb:call:" + call.getId(), "state")).as("the cluster knows the call ended")
                    .isEqualTo("terminated");
            assertThat(cluster.jedis.pttl("sb:call:" + call.getId())).as("its record expires after the retention")
                    .isPositive();
            assertThat(cluster.jedis.smembers("sb:nodecalls:" + ownerId)).doesNotContain(call.getId());
            assertThat(GraphSdk.client(other.baseUrl(), botToken).communications().calls().byCallId(call.getId()).get()
                    .getState().getValue()).as("GET through the other node").isEqualTo("terminated");
            String otherApp = Tokens.otherTenantBotToken(other.baseUrl());
            String unknown = java.util.UUID.randomUUID().toString();
            assertThat(notFoundMessage(other, otherApp, "GET", call.getId())).as("another app learns nothing of the call")
                    .isEqualTo(notFoundMessage(other, otherApp, "GET", unknown).replace(unknown, call.getId()));
            assertThat(notFoundMessage(other, botToken, "DELETE", call.getId())).as("its own app's DELETE: an ended call")
                    .isEqualTo(notFoundMessage(other, botToken, "DELETE", unknown).replace(unknown, call.getId()));
        }
    }

    /**
     * A survivor claimed the dead run, then Redis cut its takeover short, and the node came back before it tried again
     * (it then never does: the node runs anew). The restarted node ends what the survivor left live, once.
     */
    @Test
    void aRestartAfterASurvivorsTakeoverWasCutShortEndsWhatItLeftLive(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer botPeer = new RtpPeer("127.0.0.1")) {
            String[] flags = {"--node-ttl", "60s", "--terminated-retention", "30s"}; // no survivor notices by itself
            Scene scene = Scene.start(cluster, bot, botPeer, flags);
            Call call = scene.call();
            String ownerId = scene.ownerId();
            String deadRun = cluster.jedis.hget("sb:nodes", ownerId);
            List<Long> beforeKill = scene.beforeKill();

            cluster.node(ownerId).kill();
            cluster.jedis.set("sb:takeover:" + ownerId + ":" + deadRun, "b/a-survivor-cut-short"); // claimed, ended nothing
            ServerProcess restarted = cluster.start(ownerId, flags);
            JsonNode end = bot.awaitItem(i -> isEnd(i, call.getId()), Duration.ofSeconds(60));
            List<Long> sequences = ClusterNodeDeathTest.awaitSettledSequences(bot, call.getId());

            assertThat(end.at("/resourceData/resultInfo/subcode").asInt()).isEqualTo(9002);
            assertThat(ends(bot, call.getId())).as("the bot is told once that the call ended").hasSize(1);
            assertThat(sequences).isEqualTo(LongStream.rangeClosed(1, beforeKill.size() + 1L).boxed().toList());
            assertThat(cluster.jedis.hget("sb:call:" + call.getId(), "state")).isEqualTo("terminated");
            assertThat(restarted.output()).anyMatch(l -> l.contains("1 the survivor had left live ended now"));
        }
    }

    /**
     * Nodes a and b with {@code flags}, a call created through a, and the webhooks of a mute and an unmute made
     * through the node that does not hold it ({@code beforeKill}: their sequence numbers).
     */
    record Scene(String botToken, Call call, String ownerId, ServerProcess other, List<Long> beforeKill) {
        static Scene start(ClusterFixture cluster, CallbackReceiver bot, RtpPeer botPeer, String... flags)
                throws Exception {
            ClusterFixture.CallOnTwoNodes on = cluster.callOnTwoNodes(bot.url(), botPeer, flags);
            return new Scene(on.botToken(), on.call(), on.ownerId(), on.other(),
                    someWebhooks(on.other(), on.botToken(), bot, on.call().getId()));
        }
    }

    /**
     * Mutes and unmutes the bot through {@code via}: roster webhooks numbered by the owner; returns the numbers of all
     * the call's webhooks once the unmute's has arrived (they arrive in order, so every earlier one has too).
     */
    static List<Long> someWebhooks(ServerProcess via, String botToken, CallbackReceiver bot, String callId)
            throws InterruptedException {
        var call = GraphSdk.client(via.baseUrl(), botToken).communications().calls().byCallId(callId);
        call.mute().post(new com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody());
        call.unmute().post(new com.microsoft.graph.communications.calls.item.unmute.UnmutePostRequestBody());
        await().atMost(Duration.ofSeconds(60)).until(() -> unmutedAfterMuted(bot.items(), callId));
        List<Long> numbers = ClusterNodeDeathTest.sequencesOf(bot, callId);
        // changes pending together share a POST (how many POSTs depends on delivery timing), each POST numbered in turn
        assertThat(numbers).as("the owner numbered the call's POSTs 1, 2, …")
                .isNotEmpty().isEqualTo(LongStream.rangeClosed(1, numbers.size()).boxed().toList());
        return numbers;
    }

    /** Whether a roster webhook of the call showing someone muted came, and a later one showing nobody muted. */
    private static boolean unmutedAfterMuted(List<JsonNode> items, String callId) {
        boolean muted = false;
        for (JsonNode item : items) {
            if (!item.path("resourceUrl").asText().endsWith("/calls/" + callId + "/participants")) {
                continue;
            }
            boolean anyMuted = false;
            for (JsonNode p : item.path("resourceData")) {
                anyMuted |= p.path("isMuted").asBoolean();
            }
            if (anyMuted) {
                muted = true;
            } else if (muted) {
                return true;
            }
        }
        return false;
    }

    /** The message of the 404 {@code node} answers to {@code method} on call {@code callId} with {@code token}. */
    static String notFoundMessage(ServerProcess node, String token, String method, String callId) throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(node.baseUrl() + "/v1.0/communications/calls/" + callId))
                .header("Authorization", "Bearer " + token).method(method, java.net.http.HttpRequest.BodyPublishers.noBody())
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + callId + ": " + r.body()).isEqualTo(404);
        return GraphHttp.JSON.readTree(r.body()).at("/error/message").asText();
    }

    static boolean isEnd(JsonNode item, String callId) {
        return item.path("resourceUrl").asText().endsWith("/calls/" + callId) && item.path("changeType").asText().equals("deleted");
    }

    static List<JsonNode> ends(CallbackReceiver bot, String callId) {
        return bot.items().stream().filter(i -> isEnd(i, callId)).toList();
    }
}
