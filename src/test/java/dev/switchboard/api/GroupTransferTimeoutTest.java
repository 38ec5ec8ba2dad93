package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.Participant;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.server.InboundSettings;
import dev.switchboard.testsupport.FfmpegPeer;
import dev.switchboard.testsupport.FfmpegPeer.Codec;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.RosterWatcher;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transfer out of a group call whose target never answers (docs/inbound-calls.md, "Transfer out of a group call"):
 * after the answer window the target's ring ends, and the group call's bot hears {@code established} with 500/7000;
 * the transferee stays where she was. A one-second window keeps the test short; the assertions wait for outcomes, not
 * for a time.
 */
class GroupTransferTimeoutTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void anUnansweredTargetUserOrBotFailsTheTransferAndTheTransfereeStays() throws Exception {
        try (CallbackReceiver webhook = new CallbackReceiver();
             CallbackReceiver secondBot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withInbound(InboundSettings.DEFAULTS
                     .withAnswerWindow(Duration.ofSeconds(1))
                     .withWebhook(DevIdentities.DEV_BOT_APP_ID, webhook.url())
                     .withWebhook(DevIdentities.P2P_BOT_APP_ID, secondBot.url())))) {
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
            ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
            ClientApi carol = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.carolToken(server.baseUrl()));
            Call group = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID));
            String g = group.getId();
            ClientApi.Joined aliceLeg = alice.join(g, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU, "sendrecv"));

            try (RosterWatcher carolRings = RosterWatcher.ringStream(HttpClient.newHttpClient(), carol, m -> { })) {
                carolRings.await(m -> m.path("type").asText().equals("listening"), WAIT);
                graph.communications().calls().byCallId(g).transfer().post(GroupTransferEndToEndTest.transfer(
                        GraphSdk.target(DevIdentities.CAROL_ID), null, aliceLeg.participantId()));
                String x = carolRings.await(m -> m.path("type").asText().equals("ringing"), WAIT).path("callId").asText();
                JsonNode cancelled = carolRings.await(m -> m.path("type").asText().equals("cancelled")
                        && m.path("callId").asText().equals(x), WAIT);
                assertThat(cancelled.path("reason").path("code").asInt()).as("unanswered").isEqualTo(408);
                assertThat(outcomes(webhook, g, 1).path("resourceData").path("resultInfo").path("code").asInt())
                        .isEqualTo(500);
            }

            graph.communications().calls().byCallId(g).transfer().post(GroupTransferEndToEndTest.transfer(
                    GroupTransferEndToEndTest.secondBotTarget(), null, aliceLeg.participantId()));
            JsonNode ended = secondBot.awaitItem(i -> i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
            assertThat(ended.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(408);
            assertThat(outcomes(webhook, g, 2).path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(500);

            assertThat(graph.communications().calls().byCallId(g).participants().get().getValue())
                    .extracting(Participant::getId).contains(aliceLeg.participantId());
            assertThat(((dev.switchboard.media.RtpMediaEngine) server.server().media()).legStats(g, aliceLeg.participantId()))
                    .as("her leg never left the group call").isPresent();
        }
    }

    /** Waits for the {@code n}th transfer outcome of call {@code g} (an {@code established} with a resultInfo). */
    private static JsonNode outcomes(CallbackReceiver webhook, String g, int n) {
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> outcomeList(webhook, g).size() >= n);
        return outcomeList(webhook, g).get(n - 1);
    }

    private static java.util.List<JsonNode> outcomeList(CallbackReceiver webhook, String g) {
        return webhook.items().stream().filter(i -> i.path("resourceUrl").asText().endsWith("/calls/" + g)
                && i.path("resourceData").path("state").asText().equals("established")
                && i.path("resourceData").has("resultInfo")).toList();
    }
}
