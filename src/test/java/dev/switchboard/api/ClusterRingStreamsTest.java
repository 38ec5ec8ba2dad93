package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Call;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.RedisServer;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.RosterWatcher;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ring streams across the cluster: bob has {@code /client/v1/ring} open on both nodes; a bot's call to bob lives on
 * one of them, and both of bob's streams hear it ring, and hear the ring cancelled when the bot hangs up.
 */
class ClusterRingStreamsTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aUserHearsRingsOfCallsOnAnyNode(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver()) {
            ServerProcess a = cluster.start("a");
            ServerProcess b = cluster.start("b");
            cluster.awaitNodes("a", "b");
            HttpClient http = HttpClient.newHttpClient();
            try (RosterWatcher onA = RosterWatcher.ringStream(http, new ClientApi(new ServerHttp(a.baseUrl()), Tokens.bobToken(a.baseUrl())), m -> { });
                 RosterWatcher onB = RosterWatcher.ringStream(http, new ClientApi(new ServerHttp(b.baseUrl()), Tokens.bobToken(b.baseUrl())), m -> { })) {
                onA.await(m -> m.path("type").asText().equals("listening"), WAIT);
                onB.await(m -> m.path("type").asText().equals("listening"), WAIT);

                var graph = GraphSdk.client(a.baseUrl(), Tokens.devBotToken(a.baseUrl()));
                Call call = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.BOB_ID));
                String owner = cluster.ownerOf(call.getId());
                for (RosterWatcher stream : java.util.List.of(onA, onB)) {
                    JsonNode ringing = stream.await(m -> m.path("type").asText().equals("ringing")
                            && m.path("callId").asText().equals(call.getId()), WAIT);
                    assertThat(ringing).as("bob's stream " + (stream == onA ? "on a" : "on b") + " hears the ring of a call on " + owner)
                            .isNotNull();
                    assertThat(ringing.path("from").path("application").path("id").asText()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
                }
                graph.communications().calls().byCallId(call.getId()).delete();
                for (RosterWatcher stream : java.util.List.of(onA, onB)) {
                    assertThat(stream.await(m -> m.path("type").asText().equals("cancelled")
                            && m.path("callId").asText().equals(call.getId()), WAIT)).isNotNull();
                }
            }
        }
    }
}
