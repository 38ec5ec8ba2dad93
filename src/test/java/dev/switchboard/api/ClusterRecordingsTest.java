package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.RecordOperation;
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

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A recording ({@code recordResponse}) is kept by the node that holds the call, and downloads through any node: the
 * node that does not have it fetches it from the one that does (its token still required).
 */
class ClusterRecordingsTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aRecordingDownloadsThroughTheNodeThatDidNotMakeIt(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer alicePeer = new RtpPeer("127.0.0.1")) {
            ServerProcess a = cluster.start("a");
            ServerProcess b = cluster.start("b");
            cluster.awaitNodes("a", "b");
            var graph = GraphSdk.client(a.baseUrl(), Tokens.devBotToken(a.baseUrl()));
            Call call = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID)); // service-hosted
            String owner = cluster.ownerOf(call.getId());
            ServerProcess holder = cluster.node(owner);
            ServerProcess other = holder == a ? b : a;
            ClientApi alice = new ClientApi(new ServerHttp(holder.baseUrl()), Tokens.aliceToken(holder.baseUrl()));
            ClientApi.Joined joined = alice.join(call.getId(), alicePeer.offer("sendrecv"));
            int alicePort = MuteEndToEndTest.audioPort(joined.sdpAnswer());
            alicePeer.sendReceiverReport(alicePort);
            alicePeer.startTone(alicePort, 660);

            RecordOperation running = graph.communications().calls().byCallId(call.getId()).recordResponse()
                    .post(IvrMediaEndToEndTest.record(10, 10, 2, false));
            JsonNode done = bot.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + running.getId()), WAIT)
                    .path("resourceData");
            assertThat(done.path("status").asText()).isEqualTo("Completed");
            String location = done.path("recordingLocation").asText();
            String token = done.path("recordingAccessToken").asText();
            String id = location.substring(location.lastIndexOf('/') + 1);

            HttpResponse<byte[]> here = IvrMediaEndToEndTest.get(holder.baseUrl() + "/recordings/" + id, token);
            HttpResponse<byte[]> there = IvrMediaEndToEndTest.get(other.baseUrl() + "/recordings/" + id, token);
            assertThat(here.statusCode()).isEqualTo(200);
            assertThat(there.statusCode()).as("through the node that did not make it").isEqualTo(200);
            assertThat(new String(there.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
            assertThat(there.body()).isEqualTo(here.body());
            assertThat(IvrMediaEndToEndTest.get(other.baseUrl() + "/recordings/" + id, "not-the-token").statusCode())
                    .as("a wrong token, through the other node").isEqualTo(401);
            assertThat(IvrMediaEndToEndTest.get(other.baseUrl() + "/recordings/no-such-recording", token).statusCode())
                    .isEqualTo(404);
            graph.communications().calls().byCallId(call.getId()).delete();
        }
    }
}
