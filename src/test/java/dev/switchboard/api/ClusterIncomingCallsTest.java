package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.reject.RejectPostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CallState;
import com.microsoft.graph.models.RejectReason;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.RedisServer;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Incoming calls in cluster mode (docs/cluster.md, docs/inbound-calls.md) on two real nodes and a real redis-server:
 * alice dials the Dev Bot through node a; the dial is placed on the least-loaded node (a second dial through the
 * busier node is hopped to the other) and the ringing call is recorded in Redis at once, so the bot's answer and
 * reject (official Graph Java SDK) sent to the node that does not hold the call are hopped to the one that does; the
 * caller's leg is read and hung up through the other node.
 */
class ClusterIncomingCallsTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theBotAnswersAndRejectsDialedCallsThroughTheNodeThatDoesNotHoldThem(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver webhook = new CallbackReceiver();
             CallbackReceiver callbacks = new CallbackReceiver();
             RtpPeer alicePeer = new RtpPeer("127.0.0.1")) {
            String hook = "--calling-webhook=" + DevIdentities.DEV_BOT_APP_ID + "=" + webhook.url();
            ServerProcess a = cluster.start("a", hook, "--answer-window=60s"); // no expiry on a slow machine
            ServerProcess b = cluster.start("b", hook, "--answer-window=60s");
            cluster.awaitNodes("a", "b");
            String botToken = Tokens.devBotToken(a.baseUrl()); // a's authority; the identity is shared
            ClientApi alice = new ClientApi(new ServerHttp(a.baseUrl()), Tokens.aliceToken(a.baseUrl()));

            // 1. alice dials through a; the ringing call is placed on a node and recorded in Redis at once
            ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, alicePeer.offer("sendrecv"));
            String owner = cluster.ownerOf(leg.callId());
            assertThat(owner).as("the ringing call has its Redis record at once").isIn("a", "b");
            assertThat(cluster.jedis.sismember("sb:nodecalls:" + owner, leg.callId())).isTrue();
            ServerProcess holder = "a".equals(owner) ? a : b;
            ServerProcess other = "a".equals(owner) ? b : a;
            JsonNode incoming = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
            assertThat(incoming.path("resourceData").path("state").asText()).isEqualTo("incoming");

            // 2. a second dial through the node holding the first (busier by one ringing call) is placed on the other
            Thread.sleep(2500); // every node refreshes its view of the others each second
            ClientApi viaHolder = new ClientApi(new ServerHttp(holder.baseUrl()), Tokens.aliceToken(a.baseUrl()));
            ClientApi.Joined second = viaHolder.dial(DevIdentities.DEV_BOT_APP_ID, alicePeer.offer("sendrecv"));
            assertThat(cluster.ownerOf(second.callId())).as("the dial was placed like a create: on the least-loaded node")
                    .isEqualTo("a".equals(owner) ? "b" : "a");
            webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(second.callId()), WAIT);

            // 3. the bot reads and answers the first call through the node that does not hold it
            GraphServiceClient viaOther = GraphSdk.client(other.baseUrl(), botToken);
            Call ringing = viaOther.communications().calls().byCallId(leg.callId()).get();
            assertThat(ringing.getState()).as("GET through the non-owner").isEqualTo(CallState.Incoming);
            ClientApi.Joined legViaOther = through(other, leg);
            assertThat(alice.legStatus(legViaOther).path("state").asText()).as("the caller's leg through the non-owner")
                    .isEqualTo("ringing");

            viaOther.communications().calls().byCallId(leg.callId()).answer()
                    .post(InboundCallsEndToEndTest.serviceHosted(callbacks.url())); // 202, or the SDK throws
            callbacks.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                    && i.path("resourceData").path("state").asText().equals("established"), WAIT);
            assertThat(viaOther.communications().calls().byCallId(leg.callId()).get().getState())
                    .isEqualTo(CallState.Established);
            assertThat(alice.legStatus(legViaOther).path("state").asText()).isEqualTo("connected");
            assertThat(cluster.jedis.hget("sb:call:" + leg.callId(), "participants").split("\n"))
                    .as("the record follows the answer").hasSize(2).contains(leg.participantId());

            alice.leave(legViaOther); // the caller hangs up through the non-owner
            callbacks.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                    && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
            assertThat(cluster.jedis.exists("sb:call:" + leg.callId())).as("the record goes with the call").isFalse();

            // 4. the bot rejects the second call through the node that does not hold it (the first call's node)
            RejectPostRequestBody reject = new RejectPostRequestBody();
            reject.setReason(RejectReason.Busy);
            GraphSdk.client(holder.baseUrl(), botToken).communications().calls().byCallId(second.callId()).reject()
                    .post(reject);
            JsonNode terminated = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(second.callId())
                    && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
            assertThat(terminated.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(486);
            JsonNode status = alice.legStatus(through(other, second)); // ended: only the call's node remembers it
            assertThat(status.path("state").asText()).isEqualTo("ended");
            assertThat(status.path("endReason").path("code").asInt()).isEqualTo(486);
            assertThat(cluster.jedis.exists("sb:call:" + second.callId())).isFalse();
        }
    }

    /** The same leg, addressed through {@code node}. */
    private static ClientApi.Joined through(ServerProcess node, ClientApi.Joined leg) {
        URI location = URI.create(node.baseUrl()).resolve(leg.location().getRawPath());
        return new ClientApi.Joined(leg.callId(), leg.participantId(), location, leg.sdpAnswer());
    }
}
