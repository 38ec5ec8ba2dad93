package dev.switchboard.api;

import com.microsoft.graph.models.Call;
import dev.switchboard.testsupport.RedisServer;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * SIGTERM on a node in a cluster: no new calls are placed there at once (a create it receives goes elsewhere),
 * its call runs on until the bot hangs up, and then the node exits, well before the drain timeout.
 */
class ClusterDrainTest {

    @Test
    void aDrainingNodeTakesNoNewCallsAndExitsWhenItsCallsEnd(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer botPeer = new RtpPeer("127.0.0.1");
             RtpPeer secondPeer = new RtpPeer("127.0.0.1")) {
            ClusterFixture.CallOnTwoNodes on = cluster.callOnTwoNodes(bot.url(), botPeer, "--drain-timeout", "120s");
            String botToken = on.botToken();
            Call call = on.call();
            String ownerId = on.ownerId();
            ServerProcess owner = on.owner();
            ServerProcess other = on.other();

            owner.terminate();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && !String.valueOf(cluster.jedis.get("sb:node:" + ownerId)).endsWith("\tdraining")) {
                Thread.sleep(100);
            }
            assertThat(cluster.jedis.get("sb:node:" + ownerId)).as("the node reports itself draining").endsWith("\tdraining");
            Thread.sleep(1500); // one view refresh on the other node

            Call second = ClusterFixture.createCall(owner, botToken, bot.url(), secondPeer);
            assertThat(cluster.ownerOf(second.getId())).as("a create sent to the draining node is placed elsewhere")
                    .isEqualTo(ownerId.equals("a") ? "b" : "a");
            assertThat(GraphSdk.client(other.baseUrl(), botToken).communications().calls().byCallId(call.getId()).get()
                    .getState().getValue()).as("the draining node's call goes on").isEqualTo("established");
            assertThat(owner.process().isAlive()).isTrue();

            GraphSdk.client(other.baseUrl(), botToken).communications().calls().byCallId(call.getId()).delete();
            assertThat(owner.process().waitFor(60, TimeUnit.SECONDS)).as("the node exits once its calls ended").isTrue();
            assertThat(owner.process().exitValue()).isZero();
            assertThat(owner.output()).anyMatch(l -> l.contains("drain over with 0 calls left"));
        }
    }
}
