package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The server as `serve` builds it: a bot's callback really receives the call-state and roster notifications of a mute. */
class GraphWebhooksEndToEndTest {

    @Test
    void aMuteReachesTheBotsCallbackAsOneRosterUpdateAfterTheCallStates() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver(); TestServer server = TestServer.start()) {
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
            Call call = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
            String callUrl = "/communications/calls/" + call.getId();
            bot.awaitItem(i -> i.path("resourceUrl").asText().equals(callUrl)
                    && i.at("/resourceData/state").asText().equals("established"), Duration.ofSeconds(10));

            graph.communications().calls().byCallId(call.getId()).mute().post(new MutePostRequestBody());
            JsonNode muted = bot.awaitItem(i -> i.path("resourceUrl").asText().equals(callUrl + "/participants")
                    && i.at("/resourceData/0/isMuted").asBoolean(), Duration.ofSeconds(10));
            assertThat(muted.get("changeType").asText()).isEqualTo("updated");
            assertThat(muted.at("/resourceData/0/mediaStreams/0/serverMuted").asBoolean()).isTrue();

            graph.communications().calls().byCallId(call.getId()).delete();
            bot.awaitItem(i -> i.path("resourceUrl").asText().equals(callUrl) && i.get("changeType").asText().equals("deleted"),
                    Duration.ofSeconds(10));
            List<String> order = bot.items().stream()
                    .map(i -> i.get("changeType").asText() + " " + (i.path("resourceUrl").asText().endsWith("participants")
                            ? "roster" : i.at("/resourceData/state").asText()))
                    .toList();
            assertThat(order).containsExactly("updated establishing", "updated established", "updated roster",
                    "updated roster", "updated terminating", "deleted terminated");
            assertThat(bot.received().getFirst().header("authorization")).startsWith("Bearer ");
        }
    }
}
