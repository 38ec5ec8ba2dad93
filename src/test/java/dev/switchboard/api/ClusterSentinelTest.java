package dev.switchboard.api;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --redis redis-sentinel://…/primaryName}: nodes ask a real Redis Sentinel for the primary it watches, and the
 * cluster runs on that primary: a call is created, its record is in the primary, and every node answers for it.
 */
class ClusterSentinelTest {

    @Test
    void nodesFindThePrimaryThroughASentinelAndServeACall(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             RedisServer sentinel = RedisServer.sentinel(dir.resolve("sentinel"), cluster.redis, "switchboard");
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer botPeer = new RtpPeer("127.0.0.1")) {
            String viaSentinel = "redis-sentinel://127.0.0.1:" + sentinel.port() + "/switchboard";
            ServerProcess a = cluster.startWith(viaSentinel, "a");
            ServerProcess b = cluster.startWith(viaSentinel, "b");
            cluster.awaitNodes("a", "b");
            assertThat(cluster.jedis.hkeys("sb:nodes")).as("both registered in the primary").containsExactlyInAnyOrder("a", "b");
            assertThat(String.join("\n", a.output())).as("node a found Redis through the Sentinel")
                    .contains("redis=primary switchboard via Sentinels [127.0.0.1:" + sentinel.port() + "]");

            String botToken = Tokens.devBotToken(a.baseUrl());
            Call call = ClusterFixture.createCall(a, botToken, bot.url(), botPeer);
            assertThat(cluster.ownerOf(call.getId())).as("the call's record is in the primary").isIn("a", "b");
            bot.awaitItem(i -> i.path("resourceUrl").asText().contains(call.getId())
                    && "established".equals(i.path("resourceData").path("state").asText()), Duration.ofSeconds(20));
            for (ServerProcess n : java.util.List.of(a, b)) {
                Call got = GraphSdk.client(n.baseUrl(), Tokens.devBotToken(n.baseUrl())).communications().calls()
                        .byCallId(call.getId()).get();
                assertThat(got.getState().getValue()).as("GET via " + n.baseUrl()).isEqualTo("established");
            }
        }
    }
}
